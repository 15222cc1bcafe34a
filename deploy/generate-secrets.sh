#!/usr/bin/env bash
# Creates the key material deploy/ expects and writes it as Secret manifests, for a first install or a
# test cluster. Needs openssl and kubectl (only for `kubectl create secret --dry-run=client`; nothing
# is sent to a cluster).
#
#   deploy/generate-secrets.sh [--namespace NS] [--etcd] DIR
#
# Writes into DIR (created with mode 0700; files are only created when missing, so running it again
# keeps every existing key, in particular the encryption key):
#   ca.crt, ca.key                    CA of the serving certificate (its ca.crt is the APIService caBundle)
#   tls.crt, tls.key                  serving certificate for garden-apiserver.NS.svc (1 year)
#   encryption-configuration.yaml     EncryptionConfiguration with a new AES-CBC key
#   etcd-ca.*, etcd-server.*, etcd-client.*   with --etcd: PKI for deploy/etcd (server: 1 year)
#   secrets.yaml                      Secrets garden-apiserver-tls, garden-apiserver-encryption and,
#                                     with --etcd, garden-apiserver-etcd-server and -etcd-client
#
# Keep DIR (or at least the keys) somewhere safe: losing encryption-configuration.yaml makes every
# stored InternalSecret unreadable.
set -euo pipefail

usage() {
  echo "usage: deploy/generate-secrets.sh [--namespace NS] [--etcd] DIR"
}

namespace=garden-apiserver
service=garden-apiserver
etcd_service=garden-apiserver-etcd
with_etcd=false
out=
while [[ $# -gt 0 ]]; do
  case $1 in
    -n | --namespace) namespace=${2:?--namespace needs a value}; shift 2 ;;
    --namespace=*) namespace=${1#*=}; shift ;;
    --etcd) with_etcd=true; shift ;;
    -h | --help) usage; exit 0 ;;
    -*) echo "unknown flag $1" >&2; usage >&2; exit 2 ;;
    *) [[ -z $out ]] || { usage >&2; exit 2; }; out=$1; shift ;;
  esac
done
[[ -n $out ]] || { usage >&2; exit 2; }
command -v openssl >/dev/null || { echo "openssl is required" >&2; exit 1; }
command -v kubectl >/dev/null || { echo "kubectl is required" >&2; exit 1; }

umask 077
mkdir -p "$out"
cd "$out"

# An OpenSSL config with the extensions of every certificate kind below; SANs come from $SAN.
cnf=$(mktemp)
trap 'rm -f "$cnf" ./*.csr' EXIT
cat >"$cnf" <<'EOF'
[req]
distinguished_name = dn
[dn]
[ca]
basicConstraints = critical,CA:TRUE
keyUsage = critical,keyCertSign,cRLSign
subjectKeyIdentifier = hash
[server]
basicConstraints = critical,CA:FALSE
keyUsage = critical,digitalSignature,keyEncipherment
extendedKeyUsage = serverAuth
subjectAltName = ${ENV::SAN}
authorityKeyIdentifier = keyid
[peer]
basicConstraints = critical,CA:FALSE
keyUsage = critical,digitalSignature,keyEncipherment
extendedKeyUsage = serverAuth,clientAuth
subjectAltName = ${ENV::SAN}
authorityKeyIdentifier = keyid
[client]
basicConstraints = critical,CA:FALSE
keyUsage = critical,digitalSignature,keyEncipherment
extendedKeyUsage = clientAuth
authorityKeyIdentifier = keyid
EOF
export SAN=DNS:unused

new_key() { openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out "$1" 2>/dev/null; }

# new_ca NAME CN
new_ca() {
  [[ -s $1.crt && -s $1.key ]] && return
  new_key "$1.key"
  openssl req -x509 -new -sha256 -days 3650 -key "$1.key" -subj "/CN=$2" -config "$cnf" -extensions ca -out "$1.crt"
  echo "created $out/$1.crt" >&2
}

# new_cert NAME CA CN EXTENSIONS [SAN]
new_cert() {
  [[ -s $1.crt && -s $1.key ]] && return
  new_key "$1.key"
  SAN=${5:-DNS:unused} openssl req -new -key "$1.key" -subj "/CN=$3" -config "$cnf" -out "$1.csr"
  SAN=${5:-DNS:unused} openssl x509 -req -sha256 -days 365 -in "$1.csr" -CA "$2.crt" -CAkey "$2.key" \
    -set_serial "0x$(openssl rand -hex 16)" -extfile "$cnf" -extensions "$4" -out "$1.crt" 2>/dev/null
  echo "created $out/$1.crt" >&2
}

# The aggregator verifies the serving certificate for <service>.<namespace>.svc.
new_ca ca garden-apiserver-ca
svc=$service.$namespace
new_cert tls ca "$svc.svc" server "DNS:$svc.svc,DNS:$svc.svc.cluster.local,DNS:$svc,DNS:$service"

if [[ ! -s encryption-configuration.yaml ]]; then
  # Resources Gardener always encrypts in its API server's storage; InternalSecrets must be covered.
  cat >encryption-configuration.yaml <<EOF
apiVersion: apiserver.config.k8s.io/v1
kind: EncryptionConfiguration
resources:
- resources:
  - internalsecrets.core.gardener.cloud
  - shootstates.core.gardener.cloud
  - controllerdeployments.core.gardener.cloud
  - controllerregistrations.core.gardener.cloud
  providers:
  - aescbc:
      keys:
      - name: key$(date +%s)
        secret: $(openssl rand -base64 32)
  - identity: {}
EOF
  echo "created $out/encryption-configuration.yaml" >&2
fi

if $with_etcd; then
  # Members are reached as <pod>.<headless service>.<namespace>.svc (client and peer URLs).
  esvc=$etcd_service.$namespace
  new_ca etcd-ca garden-apiserver-etcd-ca
  new_cert etcd-server etcd-ca "$etcd_service" peer \
    "DNS:*.$esvc.svc,DNS:*.$esvc.svc.cluster.local,DNS:$esvc.svc,DNS:localhost,IP:127.0.0.1"
  new_cert etcd-client etcd-ca garden-apiserver client
fi

secret() { kubectl create secret "$@" --namespace "$namespace" --dry-run=client -o yaml; }
{
  secret tls garden-apiserver-tls --cert=tls.crt --key=tls.key
  echo ---
  secret generic garden-apiserver-encryption --from-file=encryption-configuration.yaml
  if $with_etcd; then
    echo ---
    secret generic garden-apiserver-etcd-server --from-file=ca.crt=etcd-ca.crt --from-file=tls.crt=etcd-server.crt --from-file=tls.key=etcd-server.key
    echo ---
    secret generic garden-apiserver-etcd-client --from-file=ca.crt=etcd-ca.crt --from-file=tls.crt=etcd-client.crt --from-file=tls.key=etcd-client.key
  fi
} >secrets.yaml
echo "wrote $out/secrets.yaml; APIService caBundle: base64 -w0 < $out/ca.crt" >&2
