# Build a static binary, then run it as a non-root user in a minimal image.
FROM golang:1.26 AS build
WORKDIR /src
COPY go.mod go.sum ./
RUN go mod download
COPY . .
RUN CGO_ENABLED=0 go build -trimpath -ldflags="-s -w" -o /out/bot ./cmd/bot
# Mount points owned by the runtime user, so the volumes start writable.
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
ENTRYPOINT ["/bot"]
CMD ["serve"]
