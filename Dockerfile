# Build a static binary, then run it as a non-root user in a minimal image.
FROM golang:1.26 AS build
WORKDIR /src
COPY go.mod go.sum ./
RUN go mod download
COPY . .
RUN CGO_ENABLED=0 go build -trimpath -ldflags="-s -w" -o /out/bot ./cmd/bot
# Mount points owned by the runtime user: a named volume mounted there
# starts as a copy of them, so it is writable by that user. (A host folder
# mounted there keeps its host owner; see README.)
RUN mkdir -p /out/corpus /out/data

FROM gcr.io/distroless/static-debian12:nonroot
COPY --from=build /out/bot /bot
COPY --from=build --chown=65532:65532 /out/corpus /corpus
COPY --from=build --chown=65532:65532 /out/data /data
# Documents to answer from, and the index and digest state.
ENV CORPUS_DIR=/corpus DATA_DIR=/data HTTP_ADDR=:8080
VOLUME ["/corpus", "/data"]
EXPOSE 8080
USER nonroot:nonroot
# The image has no shell or curl: the binary asks its own GET /healthz.
# serve listens once the index is open, and the first build of a large
# corpus takes minutes, hence the long start period.
HEALTHCHECK --interval=30s --timeout=10s --start-period=10m --retries=3 CMD ["/bot", "health"]
ENTRYPOINT ["/bot"]
CMD ["serve"]
