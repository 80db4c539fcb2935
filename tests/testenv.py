"""Loaded before Django settings: the environment every test run starts from.

Explicit environment variables win (CI sets DATABASE_URL and REDIS_URL for its second pass).
"""

import os
import tempfile

# A developer's `.env` (studysmart/envfile.py) never reaches the tests or the processes they start.
os.environ.setdefault("STUDYSMART_ENV_FILE", "")
os.environ.setdefault("SECRET_KEY", "test-only-secret-key-not-for-production-0123456789abcdef")
os.environ.setdefault("HTTPS", "0")
os.environ.setdefault("ALLOWED_HOSTS", "localhost,127.0.0.1,testserver")
# Each run gets its own data and model directories, never the developer's.
os.environ.setdefault("STUDYSMART_DATA_DIR", tempfile.mkdtemp(prefix="studysmart-test-"))
