FROM python:3.11-slim-bookworm
ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 VAR_DIR=/var/lib/agora
WORKDIR /app
COPY pyproject.toml README.md ./
RUN pip install --no-cache-dir . && useradd --system --home /app agora && mkdir -p /var/lib/agora && chown agora /var/lib/agora
COPY . .
RUN DJANGO_SETTINGS_MODULE=config.settings.base python manage.py collectstatic --noinput -v0
USER agora
EXPOSE 8000
CMD ["gunicorn", "config.wsgi:application", "--bind", "0.0.0.0:8000", "--workers", "3"]
