# syntax=docker/dockerfile:1
# Build stage: compile the release binary with the locked dependency set.
FROM rust:1.95-bookworm AS build
WORKDIR /src
COPY Cargo.toml Cargo.lock ./
COPY src ./src
COPY commands ./commands
COPY migrations ./migrations
COPY locales ./locales
# Cargo.toml declares the [[bench]] targets; cargo refuses a manifest whose targets are missing.
COPY benches ./benches
RUN cargo build --release --locked --bin clickscale

# Runtime stage: a small Debian with CA certificates, running as an unprivileged user.
FROM debian:bookworm-slim
RUN apt-get update \
 && apt-get install -y --no-install-recommends ca-certificates tini \
 && rm -rf /var/lib/apt/lists/* \
 && useradd --system --uid 10001 --home-dir /var/lib/clickscale --create-home clickscale
COPY --from=build /src/target/release/clickscale /usr/local/bin/clickscale
COPY clickscale.example.toml /etc/clickscale/clickscale.example.toml
# Configuration comes from the environment (secrets: DISCORD_TOKEN, CLICKHOUSE_KEY_SECRET, ...)
# and optionally from a mounted file: -v ./clickscale.toml:/etc/clickscale/clickscale.toml:ro
# -e CLICKSCALE_CONFIG=/etc/clickscale/clickscale.toml (not set here: a missing file is an error).
ENV CLICKSCALE_HTTP_ADDR=0.0.0.0:8080 \
    CLICKSCALE_DATABASE_URL=sqlite:///var/lib/clickscale/clickscale.db
# The SQLite database (operations, reminders, audit log) survives container replacement.
VOLUME /var/lib/clickscale
USER clickscale
WORKDIR /var/lib/clickscale
# /healthz, /readyz and /metrics.
EXPOSE 8080
# Liveness through the HTTP endpoint, with the binary itself (the image has no curl).
HEALTHCHECK --interval=30s --timeout=5s --start-period=20s --retries=3 \
  CMD ["/usr/local/bin/clickscale", "healthcheck"]
# tini forwards SIGTERM to clickscale, which stops its shards and exits cleanly.
STOPSIGNAL SIGTERM
ENTRYPOINT ["/usr/bin/tini", "--", "/usr/local/bin/clickscale"]
CMD ["run"]
