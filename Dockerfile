FROM python:3.11-slim-bookworm
ENV PYTHONUNBUFFERED=1 UV_PYTHON_DOWNLOADS=never UV_PROJECT_ENVIRONMENT=/opt/venv PATH="/opt/venv/bin:$PATH"
RUN apt-get update && apt-get install -y --no-install-recommends \
      libpq-dev gcc libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 gettext fonts-dejavu-core \
    && rm -rf /var/lib/apt/lists/* && pip install --no-cache-dir uv==0.13.8
WORKDIR /app
COPY pyproject.toml uv.lock ./
RUN uv sync --frozen --no-dev --no-install-project
COPY . .
RUN DJANGO_SETTINGS_MODULE=socialdomain.settings.dev python manage.py compilemessages --ignore=/opt/venv -v 0 \
    && DJANGO_SETTINGS_MODULE=socialdomain.settings.dev python manage.py collectstatic --noinput -v 0
RUN useradd --system --uid 1000 app && chown -R app /app
USER app
EXPOSE 8000
CMD ["gunicorn", "socialdomain.wsgi", "--bind", "0.0.0.0:8000", "--workers", "3"]
