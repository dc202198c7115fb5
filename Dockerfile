# The emulator as a container: one process serving every service on port 4566.
# Build stage: install the project into a virtualenv so the runtime image gets no
# source tree, build tools or pip cache.
FROM python:3.12-slim AS build

ENV PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1

WORKDIR /src
RUN python -m venv /opt/venv
# Only what the wheel needs; pyproject.toml's readme field points at README.md.
COPY pyproject.toml README.md ./
COPY emulator ./emulator
RUN /opt/venv/bin/pip install --no-cache-dir .

FROM python:3.12-slim

ENV PATH=/opt/venv/bin:$PATH \
    PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    EMULATOR_PORT=4566 \
    EMULATOR_STATE_DIR=/var/lib/emulator

# Node.js runs nodejs* Lambda functions (the emulator brings its own runtime client).
RUN apt-get update \
    && apt-get install -y --no-install-recommends nodejs=18.* \
    && rm -rf /var/lib/apt/lists/*

# A fixed, unprivileged uid/gid so a mounted volume's ownership is predictable.
RUN groupadd --system --gid 10001 emulator \
    && useradd --system --uid 10001 --gid emulator --no-log-init \
        --home-dir /var/lib/emulator --shell /usr/sbin/nologin emulator \
    && mkdir -p /var/lib/emulator \
    && chown emulator:emulator /var/lib/emulator

COPY --from=build /opt/venv /opt/venv

USER 10001:10001
WORKDIR /var/lib/emulator
EXPOSE 4566 2000/udp 2000/tcp

# The slim image has no curl: probe the health endpoint with the standard library.
HEALTHCHECK --interval=10s --timeout=5s --start-period=20s --retries=3 \
    CMD ["python", "-c", "import os, sys, urllib.request; url = 'http://127.0.0.1:' + os.environ.get('EMULATOR_PORT', '4566') + '/_emulator/health'; sys.exit(0 if urllib.request.urlopen(url, timeout=4).status == 200 else 1)"]

# Exec form: the server is PID 1 and receives SIGTERM itself, then shuts down gracefully.
STOPSIGNAL SIGTERM
ENTRYPOINT ["localcloud"]
CMD ["serve", "--host", "0.0.0.0"]
