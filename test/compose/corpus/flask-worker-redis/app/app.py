import os
from flask import Flask
from tasks import add

app = Flask(__name__)


@app.get("/")
def index():
    return {"queued": add.delay(2, 3).id}
