# One image for every tgexchange process: migrate, serve (dashboard, API, Mini App, webhook),
# worker, doctor. The environment is installed from uv.lock exactly as scripts/setup does.
FROM python:3.11-slim

ENV PYTHONUNBUFFERED=1 \
    UV_COMPILE_BYTECODE=1 \
    UV_LINK_MODE=copy \
    UV_PYTHON_DOWNLOADS=never \
    UV_PYTHON=/usr/local/bin/python3 \
    PATH=/app/.venv/bin:$PATH \
    TGEXCHANGE_DATA_DIR=/data

RUN pip install --no-cache-dir "uv==0.13.9"
WORKDIR /app

# The locked dependencies first: this layer is rebuilt only when pyproject.toml or uv.lock change.
COPY pyproject.toml uv.lock ./
RUN uv sync --frozen --no-install-project --no-cache

COPY README.md ./
COPY src ./src
RUN uv sync --frozen --no-editable --no-cache

# Never root at run time. /data and /models belong to the service user, so that named volumes
# mounted there start out writable by it.
RUN useradd --system --home-dir /data --shell /usr/sbin/nologin tgexchange \
    && mkdir -p /data /models \
    && chown tgexchange:tgexchange /data /models
USER tgexchange
WORKDIR /data

EXPOSE 8080
ENTRYPOINT ["tgexchange"]
CMD ["run", "--host", "0.0.0.0"]
