FROM python:3.11-slim-bookworm
ENV PYTHONUNBUFFERED=1 UV_PYTHON_DOWNLOADS=never UV_PROJECT_ENVIRONMENT=/opt/venv PATH="/opt/venv/bin:$PATH"
RUN apt-get update && apt-get install -y --no-install-recommends \
      libpq-dev gcc libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 gettext fonts-dejavu-core \
    && rm -rf /var/lib/apt/lists/* && pip install --no-cache-dir uv==0.13.8
WORKDIR /app
COPY pyproject.toml uv.lock ./
RUN uv sync --frozen --no-dev --no-install-project
COPY . .
# Translations, then the static files with the PRODUCTION storage (hashed names + the
# staticfiles.json manifest that {% static %} needs): the same script CI runs.
RUN DJANGO_SETTINGS_MODULE=socialdomain.settings.dev python manage.py compilemessages --ignore=/opt/venv -v 0 \
    && PYTHON=python bash scripts/build-static.sh
# /app/var/reports: the report files (REPORTS_ROOT), a volume shared by web and worker.
RUN useradd --system --uid 1000 app && mkdir -p /app/var/reports && chown -R app /app
USER app
EXPOSE 8000
# Migrations are not run here: docker-compose.yml runs them once, in the `migrate` service.
# gunicorn reads its number of workers from WEB_CONCURRENCY (docs/deployment.md sizes it).
ENV WEB_CONCURRENCY=3
CMD ["gunicorn", "socialdomain.wsgi", "--bind", "0.0.0.0:8000", "--access-logfile", "-"]
