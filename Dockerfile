# syntax=docker/dockerfile:1
# Build stage: compile the release binary with the locked dependency set.
FROM rust:1.95-bookworm AS build
WORKDIR /src
COPY Cargo.toml Cargo.lock ./
COPY src ./src
COPY commands ./commands
COPY migrations ./migrations
RUN cargo build --release --locked --bin clickscale

# Runtime stage: a small Debian with CA certificates, running as an unprivileged user.
FROM debian:bookworm-slim
RUN apt-get update \
 && apt-get install -y --no-install-recommends ca-certificates tini \
 && rm -rf /var/lib/apt/lists/* \
 && useradd --system --uid 10001 --home-dir /var/lib/clickscale --create-home clickscale
COPY --from=build /src/target/release/clickscale /usr/local/bin/clickscale
COPY clickscale.example.toml /etc/clickscale/clickscale.example.toml
USER clickscale
WORKDIR /var/lib/clickscale
# tini forwards SIGTERM to clickscale, which stops its shards and exits cleanly.
ENTRYPOINT ["/usr/bin/tini", "--", "/usr/local/bin/clickscale"]
CMD ["run"]
