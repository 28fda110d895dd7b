import os

import psycopg
from flask import Flask

app = Flask(__name__)


@app.get("/")
def index():
    with psycopg.connect(os.environ["DATABASE_URL"]) as conn:
        conn.execute("INSERT INTO visits DEFAULT VALUES")
        count = conn.execute("SELECT count(*) FROM visits").fetchone()[0]
    return f"{count} visits\n"
