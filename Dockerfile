# Redress production image: gunicorn serves the app; the same image runs the Celery
# worker and beat (see docker-compose.yml).
FROM python:3.11-slim-bookworm

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1

WORKDIR /app
# Pango and a font for WeasyPrint (PDF letters).
RUN apt-get update \
    && apt-get install -y --no-install-recommends libpango-1.0-0 libpangoft2-1.0-0 fonts-dejavu-core \
    && rm -rf /var/lib/apt/lists/*
RUN useradd --create-home --uid 10001 redress

COPY pyproject.toml README.md ./
RUN pip install --upgrade pip && pip install .

COPY . .
RUN mkdir -p /app/var && chown -R redress:redress /app/var
USER redress

# collectstatic needs a key and hosts only to import the settings: a throwaway random
# key (the settings refuse placeholders); the real ones come from the environment at
# run time (SECRET_KEY and ALLOWED_HOSTS are required, see .env.example).
RUN SECRET_KEY="$(python -c 'import secrets; print(secrets.token_urlsafe(50))')" \
    ALLOWED_HOSTS=build.invalid DEBUG=0 python manage.py collectstatic --noinput

EXPOSE 8000
CMD ["gunicorn", "config.wsgi", "--bind", "0.0.0.0:8000", "--workers", "3", "--access-logfile", "-"]
