# syntax=docker/dockerfile:1
# DoseLoop: a small static image. Build:
#   docker build --build-arg VERSION=1.0.0 -t doseloop:1.0.0 .
# Run (SQLite in a volume; use DOSELOOP_DATABASE_URL=postgres://… in production):
#   docker run -p 8080:8080 -v doseloop-data:/data doseloop:1.0.0

FROM golang:1.26-bookworm AS build
WORKDIR /src
COPY go.mod go.sum ./
RUN --mount=type=cache,target=/go/pkg/mod go mod download
COPY . .
ARG VERSION=dev
# CGO off: the SQLite driver is pure Go, so the binary is fully static.
# time/tzdata is linked in (server/main.go), so the image needs no zoneinfo.
RUN --mount=type=cache,target=/go/pkg/mod --mount=type=cache,target=/root/.cache/go-build \
    CGO_ENABLED=0 go build -trimpath \
      -ldflags "-s -w -X github.com/doseloop/doseloop/buildinfo.Version=${VERSION}" \
      -o /out/doseloop ./server
RUN mkdir -p /out/data

FROM gcr.io/distroless/static-debian12:nonroot
COPY --from=build /out/doseloop /usr/local/bin/doseloop
COPY --from=build --chown=65532:65532 /out/data /data
WORKDIR /data
USER 65532:65532
ENV DOSELOOP_ADDR=:8080 \
    DOSELOOP_DATABASE_URL=sqlite:/data/doseloop.db \
    DOSELOOP_LOG_FORMAT=json
EXPOSE 8080
HEALTHCHECK --interval=30s --timeout=3s --start-period=20s CMD ["/usr/local/bin/doseloop", "probe", "http://127.0.0.1:8080/readyz"]
ENTRYPOINT ["/usr/local/bin/doseloop"]
CMD ["serve"]
