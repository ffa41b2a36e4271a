# syntax=docker/dockerfile:1.7
# NegHash service on the CPU (Vector API kernels).
#
#   docker build -t neghash .
#   docker run -p 8080:8080 -v neghash-data:/data -e NEGHASH_API_KEY=change-me neghash
#
# The build stage runs the repository's CI script (.ci/run: its packages, JDK check and
# `./mvnw -B verify` with all tests), so the jar in the image is the one CI proved.
# GPU variant (TornadoVM): Dockerfile.gpu.

ARG JDK_IMAGE=eclipse-temurin:25.0.3_9-jdk-noble
ARG OS_IMAGE=debian:12.12-slim

FROM ${JDK_IMAGE} AS jdk

# The build runs on Debian 12, the distribution CI runs on, so .ci/run installs the same Debian
# packages (Fashion-MNIST, Chromium, FAISS, ...) and runs the same tests as CI.
FROM ${OS_IMAGE} AS build
COPY --from=jdk /opt/java/openjdk /opt/java/openjdk
ENV JAVA_HOME=/opt/java/openjdk
RUN apt-get update -qq && apt-get install -y -qq --no-install-recommends ca-certificates curl \
 && rm -rf /var/lib/apt/lists/*
WORKDIR /src
COPY . .
RUN --mount=type=cache,target=/root/.m2 bash .ci/run
# A slim Java 25 runtime with exactly the modules the service uses, the Vector API among them
# (stock JRE images leave some jdk.* modules out).
RUN $JAVA_HOME/bin/jlink --add-modules java.se,jdk.incubator.vector,jdk.unsupported,jdk.crypto.ec,jdk.crypto.cryptoki,jdk.management,jdk.naming.dns,jdk.net,jdk.zipfs,jdk.charsets,jdk.jfr \
      --strip-debug --no-man-pages --no-header-files --compress=zip-6 --output /opt/jre

FROM ${OS_IMAGE}
COPY --from=build /opt/jre /opt/jre
COPY --from=build /src/api/target/neghash.jar /app/neghash.jar
RUN groupadd --system --gid 10001 neghash \
 && useradd --system --uid 10001 --gid neghash --home-dir /app --shell /usr/sbin/nologin neghash \
 && mkdir -p /data && chown neghash:neghash /data
ENV PATH=/opt/jre/bin:$PATH \
    NEGHASH_JAVA_OPTS="-XX:MaxRAMPercentage=75" \
    SERVER_ADDRESS=0.0.0.0 \
    SERVER_PORT=8080 \
    NEGHASH_DATA_DIR=/data
USER neghash
WORKDIR /app
VOLUME /data
EXPOSE 8080
# The Actuator health endpoint, probed with bash alone (no curl in the image).
HEALTHCHECK --interval=30s --timeout=5s --start-period=60s --retries=3 \
  CMD ["bash", "-c", "exec 3<>/dev/tcp/127.0.0.1/8080 && printf 'GET /actuator/health HTTP/1.0\\r\\nHost: localhost\\r\\n\\r\\n' >&3 && grep -q '\"UP\"' <&3"]
# NEGHASH_API_KEY (when set) is also passed as NEGHASH_APIKEY, the name Spring's relaxed binding
# gives neghash.api-key; the service then requires it on every API call. NEGHASH_JAVA_OPTS adds
# JVM options (heap: 75% of the container's memory by default).
ENTRYPOINT ["/bin/sh", "-c", "if [ -n \"${NEGHASH_API_KEY:-}\" ]; then export NEGHASH_APIKEY=\"$NEGHASH_API_KEY\"; fi; exec java --add-modules=jdk.incubator.vector --enable-native-access=ALL-UNNAMED $NEGHASH_JAVA_OPTS -jar /app/neghash.jar \"$@\"", "neghash"]
CMD ["serve"]
