# syntax=docker/dockerfile:1
# The operator's container image:
#   docker build -t healthreport-operator:0.1.0 --build-arg SOURCE_URL="$(git remote get-url origin)" .
#
# Node.js 24 LTS (20 is past its end of life). NODE_VERSION is the same Node.js that
# test/e2e/runtime-image.test.ts runs the runtime file system on (scripts/tools/node24, a unit test
# keeps the two equal); VERSION is package.json's (checked by the same unit test).
ARG NODE_VERSION=24.22.3
ARG VERSION=0.1.0
# The repository the image is built from (org.opencontainers.image.source); the project names none yet.
ARG SOURCE_URL=""

# --- build: dev dependencies, compile, assemble the runtime file system --------------------------
FROM node:${NODE_VERSION}-trixie-slim AS build
WORKDIR /src
COPY package.json package-lock.json ./
# --ignore-scripts: the package's `prepare` builds, and the sources are not copied yet (this layer
# is cached for as long as the lockfile does not change).
RUN npm ci --ignore-scripts --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json ./
COPY src ./src
COPY scripts/image ./scripts/image
# scripts/image/assemble-runtime.sh is the one list of what the image contains: package.json, the
# production dependencies (`npm ci --omit=dev`) and dist/src, without type declarations or source
# maps. The runtime image test runs the same script.
RUN npm run build && sh scripts/image/assemble-runtime.sh /runtime

# --- runtime: production dependencies only ----------------------------------------------------
FROM node:${NODE_VERSION}-trixie-slim AS runtime
ARG VERSION
ARG SOURCE_URL
LABEL org.opencontainers.image.title="healthreport-operator" \
      org.opencontainers.image.description="Kubernetes operator that continuously runs an SRE runbook's checks and writes HealthReports" \
      org.opencontainers.image.source="${SOURCE_URL}" \
      org.opencontainers.image.version="${VERSION}" \
      org.opencontainers.image.licenses="Apache-2.0"
ENV NODE_ENV=production
# Owned by root and not writable by the operator's user: the operator writes nothing under /app
# (logs go to stderr, state to the API server), so the chart runs it with readOnlyRootFilesystem.
COPY --from=build /runtime /app
WORKDIR /app
# Non-root, numeric so that Kubernetes can verify runAsNonRoot; 65532 as in distroless' nonroot.
USER 65532:65532
# Exec form: node is PID 1 and receives SIGTERM itself (no shell in between). Node installs no
# default handler as PID 1, but the operator handles SIGTERM and SIGINT (src/cli/run.ts): it stops
# writing, finishes in-flight writes, releases the leader Lease and exits 0. The test that proves it
# sends SIGTERM to a `healthreport run` child process and expects exit code 0:
# test/e2e/reliability.test.ts ("a steady cluster"), and test/e2e/runtime-image.test.ts does the same
# from this file system, on Node.js 24, as uid 65532.
ENTRYPOINT ["node", "/app/dist/src/cli/bin.js"]
CMD ["run"]
