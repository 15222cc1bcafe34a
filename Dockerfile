# syntax=docker/dockerfile:1
# The garden-apiserver image:  docker build -t garden-apiserver:0.1.0 .
# It runs the TypeScript sources with tsx (a production dependency), exactly like `npm start`.
ARG NODE_IMAGE=node:20-bookworm-slim

# Build stage: installs the production dependencies. better-sqlite3 is a native addon; when no prebuilt
# binary fits, npm compiles it, which needs python3, make and g++ (they stay in this stage) and Node's
# headers (the image has them under /usr/local/include/node; nodedir saves node-gyp a download).
FROM ${NODE_IMAGE} AS build
RUN apt-get update \
 && apt-get install -y --no-install-recommends python3 make g++ \
 && rm -rf /var/lib/apt/lists/*
ENV npm_config_nodedir=/usr/local
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --no-audit --no-fund \
 && npm cache clean --force

# Runtime stage: Node.js, the production node_modules and the source folders the server imports.
FROM ${NODE_IMAGE}
RUN groupadd --gid 65532 nonroot \
 && useradd --uid 65532 --gid 65532 --home-dir /nonexistent --no-create-home --shell /usr/sbin/nologin nonroot
ENV NODE_ENV=production
WORKDIR /app
COPY --from=build /app/node_modules ./node_modules
COPY package.json package-lock.json tsconfig.json ./
COPY apimachinery ./apimachinery
COPY apiserver ./apiserver
COPY admission ./admission
COPY registry ./registry
COPY openapi ./openapi
COPY storage ./storage
COPY client ./client
USER 65532:65532
EXPOSE 8443
ENTRYPOINT ["node", "--import", "tsx", "apiserver/main.ts"]
