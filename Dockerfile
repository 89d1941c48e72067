FROM python:3.11-slim-bookworm
ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 VAR_DIR=/var/lib/agora \
    UV_PYTHON_DOWNLOADS=never UV_PROJECT_ENVIRONMENT=/opt/venv UV_COMPILE_BYTECODE=1 PATH=/opt/venv/bin:$PATH
WORKDIR /app
# Pango and fonts for WeasyPrint (the meeting papers as PDF).
RUN apt-get update && apt-get install -y --no-install-recommends libpango-1.0-0 libpangoft2-1.0-0 fonts-dejavu-core \
 && rm -rf /var/lib/apt/lists/*
# Exactly what uv.lock lists, hashes checked; uv itself pinned with hashes. No dev tools.
COPY requirements/uv.txt requirements/uv.txt
RUN pip install --no-cache-dir --require-hashes -r requirements/uv.txt
COPY pyproject.toml uv.lock ./
RUN uv sync --locked --no-dev --no-cache && pip uninstall -y uv
COPY . .
RUN useradd --system --home /app agora && mkdir -p /var/lib/agora && chown agora /var/lib/agora \
 && DJANGO_SETTINGS_MODULE=config.settings.base python manage.py collectstatic --noinput -v0
USER agora
EXPOSE 8000
CMD ["uvicorn", "config.asgi:application", "--host", "0.0.0.0", "--port", "8000", "--workers", "3", "--proxy-headers"]
