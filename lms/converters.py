"""Path converters shared by every URL conf (Django routes and the Ninja API's path parameters).

`<id:pk>` (and `{id:pk}` in Ninja paths) is Django's `int` bounded to the database's 64-bit signed range:
a larger number is not a match, so the URL answers 404 instead of reaching a query that overflows
(SQLite raises OverflowError, PostgreSQL an out-of-range error: both were 500s). Django's own lookups
guard plain integer fields, but not primary keys reached through a one-to-one parent link (Wagtail pages),
so the bound belongs here, where the id enters.
"""
from typing import Annotated

from django.urls import register_converter
from pydantic import Field

MAX_ID = 2**63 - 1


class IdConverter:
    regex = "[0-9]{1,19}"

    def to_python(self, value: str) -> int:
        number = int(value)
        if number > MAX_ID:
            raise ValueError("id out of range")
        return number

    def to_url(self, value) -> str:
        return str(int(value))


register_converter(IdConverter, "id")


# The API's integer path parameters (`def view(request, course_id: Id)`): the same bound, checked by
# pydantic; lms/api.py answers 404 to any path parameter that does not validate.
Id = Annotated[int, Field(ge=0, le=MAX_ID)]
