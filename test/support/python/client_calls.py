"""
Calls of the official Kubernetes Python client (kubernetes 22.6, Debian's python3-kubernetes) against
garden-apiserver, as a user's script makes them: CustomObjectsApi for InternalSecrets (create, get,
list by label, patch, replace, a stale replace, watch from a resourceVersion, delete) and the dynamic
client (discovery, strategic merge patch, server-side apply, list). Prints what it observed as one JSON
document; the mocha test (test/e2e/clients.test.ts) checks it.

    /usr/bin/python3 client_calls.py <kubeconfig> <namespace>
"""
import json
import sys

from kubernetes import client, config, dynamic, watch
from kubernetes.client.rest import ApiException

GROUP, VERSION, PLURAL = 'core.gardener.cloud', 'v1beta1', 'internalsecrets'


def status_of(e):
    """The HTTP status and the Kubernetes Status carried by an ApiException."""
    try:
        body = json.loads(e.body)
    except (TypeError, ValueError):
        body = None
    return {'http': e.status, 'reason': (body or {}).get('reason'), 'kind': (body or {}).get('kind')}


def main(kubeconfig, ns):
    config.load_kube_config(config_file=kubeconfig)
    api = client.CustomObjectsApi()
    out = {}

    secret = {
        'apiVersion': f'{GROUP}/{VERSION}', 'kind': 'InternalSecret',
        'metadata': {'name': 'py-secret', 'namespace': ns, 'labels': {'app': 'py'}},
        'type': 'Opaque', 'stringData': {'token': 's3cret'},
    }
    created = api.create_namespaced_custom_object(GROUP, VERSION, ns, PLURAL, secret)
    out['created'] = {'data': created.get('data'), 'stringData': created.get('stringData'), 'uid': bool(created['metadata'].get('uid'))}
    start_rv = created['metadata']['resourceVersion']

    got = api.get_namespaced_custom_object(GROUP, VERSION, ns, PLURAL, 'py-secret')
    out['got'] = {'resourceVersion': got['metadata']['resourceVersion'], 'data': got.get('data')}

    listed = api.list_namespaced_custom_object(GROUP, VERSION, ns, PLURAL, label_selector='app=py')
    out['listed'] = {'kind': listed['kind'], 'names': [i['metadata']['name'] for i in listed['items']]}

    patched = api.patch_namespaced_custom_object(GROUP, VERSION, ns, PLURAL, 'py-secret', {'metadata': {'labels': {'patched': 'yes'}}})
    out['patched'] = patched['metadata']['labels']

    stale = dict(got)
    stale['metadata'] = dict(got['metadata'], labels={'app': 'py', 'stale': 'yes'})
    try:
        api.replace_namespaced_custom_object(GROUP, VERSION, ns, PLURAL, 'py-secret', stale)
        out['stale_replace'] = 'accepted'
    except ApiException as e:
        out['stale_replace'] = status_of(e)

    fresh = api.get_namespaced_custom_object(GROUP, VERSION, ns, PLURAL, 'py-secret')
    fresh['data']['extra'] = 'YWRkZWQ='
    replaced = api.replace_namespaced_custom_object(GROUP, VERSION, ns, PLURAL, 'py-secret', fresh)
    out['replaced'] = sorted(replaced['data'])

    try:
        api.get_namespaced_custom_object(GROUP, VERSION, ns, PLURAL, 'missing')
        out['missing'] = 'found'
    except ApiException as e:
        out['missing'] = status_of(e)

    dyn = dynamic.DynamicClient(client.ApiClient())
    secrets = dyn.resources.get(api_version=f'{GROUP}/{VERSION}', kind='InternalSecret')
    shoots = dyn.resources.get(api_version=f'{GROUP}/{VERSION}', kind='Shoot')
    out['discovered'] = {'secrets': [secrets.name, secrets.namespaced, secrets.short_names],
                         'shoot_subresources': sorted(shoots.subresources)}
    dyn_patched = secrets.patch(name='py-secret', namespace=ns, body={'metadata': {'labels': {'dynamic': 'yes'}}})
    out['dynamic_patched'] = dict(dyn_patched.metadata.labels)
    # Server-side apply: this client version sends a dict only with a JSON content type
    # (server_side_apply itself refuses it), so the manifest goes as text, as users pass it.
    manifest = json.dumps({
        'apiVersion': f'{GROUP}/{VERSION}', 'kind': 'InternalSecret',
        'metadata': {'name': 'py-applied', 'namespace': ns}, 'type': 'Opaque', 'data': {'k': 'dg=='},
    })
    applied = secrets.patch(name='py-applied', namespace=ns, body=manifest,
                            content_type='application/apply-patch+yaml', field_manager='python-script')
    out['applied'] = {'managers': [m.manager for m in applied.metadata.managedFields], 'data': dict(applied.data)}
    out['dynamic_list'] = sorted(i.metadata.name for i in secrets.get(namespace=ns).items)

    deleted = api.delete_namespaced_custom_object(GROUP, VERSION, ns, PLURAL, 'py-secret')
    out['deleted_kind'] = deleted.get('kind')

    events = []
    w = watch.Watch()
    for ev in w.stream(api.list_namespaced_custom_object, GROUP, VERSION, ns, PLURAL,
                       resource_version=start_rv, label_selector='app=py', timeout_seconds=30):
        events.append([ev['type'], ev['object']['metadata']['name']])
        if ev['type'] == 'DELETED':
            w.stop()
    out['events'] = events

    json.dump(out, sys.stdout)


if __name__ == '__main__':
    main(sys.argv[1], sys.argv[2])
