/* A custom Lambda runtime in plain C: the Runtime API over sockets, no libraries.
 *
 * It answers the shared function suite of tests/integration/test_lambda_runtimes.py: the event's
 * "action" says what to do (hello, error, timeout, env, context, sdk, echo, log). */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

typedef struct {
    char *data;
    size_t size;
} buffer;

static void append(buffer *b, const char *data, size_t size) {
    b->data = realloc(b->data, b->size + size + 1);
    memcpy(b->data + b->size, data, size);
    b->size += size;
    b->data[b->size] = 0;
}

/* host:port (or http://host:port) to an address. */
static void address_of(const char *endpoint, char *host, int *port) {
    const char *start = strstr(endpoint, "://");
    start = start ? start + 3 : endpoint;
    const char *colon = strchr(start, ':');
    size_t length = colon ? (size_t)(colon - start) : strlen(start);
    memcpy(host, start, length);
    host[length] = 0;
    *port = colon ? atoi(colon + 1) : 80;
}

/* One HTTP/1.1 exchange (Connection: close); returns the status, fills headers and body. */
static int http(const char *endpoint, const char *method, const char *path,
                const char *headers, const char *body, size_t body_size,
                buffer *reply_headers, buffer *reply_body) {
    char host[256];
    int port;
    address_of(endpoint, host, &port);
    int sock = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in peer = {0};
    peer.sin_family = AF_INET;
    peer.sin_port = htons(port);
    inet_pton(AF_INET, strcmp(host, "localhost") ? host : "127.0.0.1", &peer.sin_addr);
    if (connect(sock, (struct sockaddr *)&peer, sizeof peer) != 0) {
        perror("connect");
        exit(1);
    }
    char head[2048];
    int head_size = snprintf(head, sizeof head,
                             "%s %s HTTP/1.1\r\nHost: %s\r\nConnection: close\r\n%s"
                             "Content-Length: %zu\r\n\r\n",
                             method, path, host, headers ? headers : "", body_size);
    write(sock, head, head_size);
    for (size_t sent = 0; sent < body_size;) {
        ssize_t wrote = write(sock, body + sent, body_size - sent);
        if (wrote <= 0) break;
        sent += wrote;
    }
    buffer raw = {0};
    char chunk[65536];
    ssize_t got;
    while ((got = read(sock, chunk, sizeof chunk)) > 0) append(&raw, chunk, got);
    close(sock);
    char *split = raw.data ? strstr(raw.data, "\r\n\r\n") : NULL;
    if (!split) return 0;
    append(reply_headers, raw.data, split - raw.data + 2);
    append(reply_body, split + 4, raw.size - (split + 4 - raw.data));
    free(raw.data);
    return atoi(strchr(reply_headers->data, ' ') + 1);
}

/* A header's value (case-insensitive name), copied into out. */
static void header(const buffer *headers, const char *name, char *out, size_t size) {
    out[0] = 0;
    for (char *line = headers->data; line && *line; line = strstr(line, "\r\n")) {
        if (*line == '\r') line += 2;
        if (strncasecmp(line, name, strlen(name)) == 0 && line[strlen(name)] == ':') {
            char *value = line + strlen(name) + 1;
            while (*value == ' ') value++;
            size_t length = strcspn(value, "\r\n");
            if (length >= size) length = size - 1;
            memcpy(out, value, length);
            out[length] = 0;
            return;
        }
    }
}

/* The string value of "key" in a flat JSON object (no escapes), copied into out. */
static void field(const char *json, const char *key, char *out, size_t size) {
    char pattern[64];
    snprintf(pattern, sizeof pattern, "\"%s\":", key);
    out[0] = 0;
    const char *at = strstr(json, pattern);
    if (!at) return;
    at = strchr(at + strlen(pattern), '"');
    if (!at) return;
    size_t length = strcspn(at + 1, "\"");
    if (length >= size) length = size - 1;
    memcpy(out, at + 1, length);
    out[length] = 0;
}

static const char *env(const char *name) {
    const char *value = getenv(name);
    return value ? value : "";
}

int main(void) {
    const char *api = getenv("AWS_LAMBDA_RUNTIME_API");
    for (;;) {
        buffer headers = {0}, event = {0};
        http(api, "GET", "/2018-06-01/runtime/invocation/next", NULL, NULL, 0, &headers, &event);
        char id[128], deadline[32], arn[512], action[32], name[128], path[256];
        header(&headers, "Lambda-Runtime-Aws-Request-Id", id, sizeof id);
        header(&headers, "Lambda-Runtime-Deadline-Ms", deadline, sizeof deadline);
        header(&headers, "Lambda-Runtime-Invoked-Function-Arn", arn, sizeof arn);
        field(event.data ? event.data : "", "action", action, sizeof action);
        field(event.data ? event.data : "", "name", name, sizeof name);
        buffer result = {0};
        char text[4096];
        const char *kind = "response";
        const char *extra = "Content-Type: application/json\r\n";
        if (!strcmp(action, "hello")) {
            snprintf(text, sizeof text, "{\"hello\":\"%s\"}", name);
            append(&result, text, strlen(text));
        } else if (!strcmp(action, "error")) {
            kind = "error";
            extra = "Content-Type: application/json\r\n"
                    "Lambda-Runtime-Function-Error-Type: CustomError\r\n";
            const char *error = "{\"errorMessage\":\"boom\",\"errorType\":\"CustomError\"}";
            append(&result, error, strlen(error));
        } else if (!strcmp(action, "timeout")) {
            sleep(600);
        } else if (!strcmp(action, "env")) {
            snprintf(text, sizeof text,
                     "{\"function\":\"%s\",\"colour\":\"%s\",\"region\":\"%s\","
                     "\"handler\":\"%s\",\"memory\":\"%s\",\"trace\":\"%s\"}",
                     env("AWS_LAMBDA_FUNCTION_NAME"), env("COLOUR"), env("AWS_REGION"),
                     env("_HANDLER"), env("AWS_LAMBDA_FUNCTION_MEMORY_SIZE"),
                     env("_X_AMZN_TRACE_ID"));
            append(&result, text, strlen(text));
        } else if (!strcmp(action, "context")) {
            snprintf(text, sizeof text,
                     "{\"requestId\":\"%s\",\"deadlineMs\":%s,\"invokedFunctionArn\":\"%s\","
                     "\"functionName\":\"%s\",\"logStreamName\":\"%s\"}",
                     id, deadline, arn, env("AWS_LAMBDA_FUNCTION_NAME"),
                     env("AWS_LAMBDA_LOG_STREAM_NAME"));
            append(&result, text, strlen(text));
        } else if (!strcmp(action, "sdk")) {
            /* An AWS API call back into the emulator: SQS ListQueues over its JSON protocol. */
            char auth[512];
            snprintf(auth, sizeof auth,
                     "Content-Type: application/x-amz-json-1.0\r\n"
                     "X-Amz-Target: AmazonSQS.ListQueues\r\n"
                     "Authorization: AWS4-HMAC-SHA256 Credential=%s/20240101/%s/sqs/aws4_request,"
                     " SignedHeaders=host, Signature=0\r\n",
                     env("AWS_ACCESS_KEY_ID"), env("AWS_REGION"));
            buffer sqs_headers = {0}, sqs_body = {0};
            http(env("AWS_ENDPOINT_URL"), "POST", "/", auth, "{}", 2, &sqs_headers, &sqs_body);
            append(&result, "{\"sdk\":", 7);
            append(&result, sqs_body.data, sqs_body.size);
            append(&result, "}", 1);
        } else if (!strcmp(action, "log")) {
            printf("line one\nline two\n");
            fflush(stdout);
            append(&result, "\"logged\"", 8);
        } else {
            append(&result, event.data, event.size);
        }
        snprintf(path, sizeof path, "/2018-06-01/runtime/invocation/%s/%s", id, kind);
        buffer ignored_headers = {0}, ignored_body = {0};
        http(api, "POST", path, extra, result.data, result.size, &ignored_headers, &ignored_body);
        free(headers.data), free(event.data), free(result.data);
        free(ignored_headers.data), free(ignored_body.data);
    }
}
