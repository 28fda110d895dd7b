import os
from celery import Celery

celery = Celery("tasks", broker=os.environ["CELERY_BROKER_URL"], backend=os.environ["REDIS_URL"])


@celery.task
def add(x, y):
    return x + y
