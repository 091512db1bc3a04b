"""Language-neutral public URLs of the badges app: /.well-known/did.json, issuer, status lists."""
from django.urls import path

urlpatterns: list = []
