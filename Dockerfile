# syntax=docker/dockerfile:1
# tfso-mockserver: the 24SevenOffice API emulator as a CI service container.
#
#   docker build -t tfso-mockserver .
#   docker run --rm -p 8080:8080 -e TFSO_MOCK_ADMIN_TOKEN=secret tfso-mockserver
#
# Configured only by TFSO_MOCK_* variables (mockserver/settings.py): TFSO_MOCK_PORT,
# TFSO_MOCK_PUBLIC_URL (the URL written into every ?WSDL), TFSO_MOCK_ADMIN_TOKEN (bearer token of
# the /__admin/ control API; when unset, one is generated and printed at start-up, since the
# container listens beyond loopback), TFSO_MOCK_ADMIN=false, TFSO_MOCK_RATE_LIMIT,
# TFSO_MOCK_BURST_LIMIT, TFSO_MOCK_SCENARIO, TFSO_MOCK_THREADS, TFSO_MOCK_SERVING (loop: requests
# run in the server's event loop, the default; README "Serving"), TFSO_MOCK_CONNECTION_LIMIT,
# TFSO_MOCK_CONNECTIONS_PER_CLIENT, TFSO_MOCK_REQUEST_TIMEOUT, TFSO_MOCK_IDLE_TIMEOUT.

ARG PYTHON_IMAGE=python:3.12-slim-bookworm

FROM ${PYTHON_IMAGE} AS build
WORKDIR /src
COPY pyproject.toml setup.py README.md docker-constraints.txt ./
COPY mockserver ./mockserver
COPY fixtures/defaults ./fixtures/defaults
COPY fixtures/scenarios ./fixtures/scenarios
COPY fixtures/vendor ./fixtures/vendor
RUN pip wheel --no-cache-dir --no-deps --wheel-dir /wheels . && cp docker-constraints.txt /wheels/

FROM ${PYTHON_IMAGE}
ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    TFSO_MOCK_HOST=0.0.0.0 \
    TFSO_MOCK_PORT=8080
RUN useradd --system --no-log-init --uid 10001 --user-group --home-dir /nonexistent \
        --shell /usr/sbin/nologin tfso
RUN --mount=type=bind,from=build,source=/wheels,target=/wheels \
    pip install --no-cache-dir --constraint /wheels/docker-constraints.txt /wheels/tfso_mockserver-*.whl
USER 10001:10001
WORKDIR /tmp
EXPOSE 8080
# Healthy when the control API answers: 200 with TFSO_MOCK_ADMIN_TOKEN, or 401 when the token was
# generated at start-up (not in the environment), or 404 when TFSO_MOCK_ADMIN=false switched it off.
HEALTHCHECK --interval=10s --timeout=5s --start-period=10s --retries=3 \
    CMD ["python", "-c", "import os,urllib.request as u;e=os.environ.get;t=e('TFSO_MOCK_ADMIN_TOKEN','');o=u.OpenerDirector();o.add_handler(u.HTTPHandler());s=o.open(u.Request('http://127.0.0.1:%s/__admin/health'%e('TFSO_MOCK_PORT','8080'),headers={'Authorization':'Bearer '+t} if t else {}),timeout=4).status;off=e('TFSO_MOCK_ADMIN','true').strip().lower() in ('0','false','no','off');raise SystemExit(0 if s==200 or (s==401 and not t) or (s==404 and off) else 1)"]
CMD ["tfso-mock", "serve"]
