"""The reference of bench/measure_http.py: a bare Django + DRF create endpoint with token auth,
served by the same gunicorn, settings and database as the office. It validates a body like a tip's
(kind, text, place, position) with a plain DRF serializer and writes one row into one table,
`bench_bare_row`, that no migration knows (bare_table_create makes it). What the office's intake
costs beyond this (routing, history, audit, idempotency, the follow-up task, scoping) is the ratio
the bench prints."""
from django.db import connection
from rest_framework import serializers, status
from rest_framework.authentication import TokenAuthentication
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

TABLE = "bench_bare_row"


def bare_table_create() -> None:
    """(Re)create the empty bench table."""
    key = "bigserial PRIMARY KEY" if connection.vendor == "postgresql" else "integer PRIMARY KEY AUTOINCREMENT"
    with connection.cursor() as cursor:
        cursor.execute(f"DROP TABLE IF EXISTS {TABLE}")
        cursor.execute(
            f"CREATE TABLE {TABLE} (id {key}, user_id bigint NOT NULL, kind varchar(16) NOT NULL, text text NOT NULL, "
            "place varchar(200) NOT NULL, latitude numeric(9, 6), longitude numeric(9, 6), created_at timestamp NOT NULL)"
        )


def bare_table_count() -> int:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT COUNT(*) FROM {TABLE}")
        return cursor.fetchone()[0]


class BareInputSerializer(serializers.Serializer):
    kind = serializers.CharField(max_length=16)
    text = serializers.CharField()
    place = serializers.CharField(max_length=200)
    latitude = serializers.DecimalField(max_digits=9, decimal_places=6, required=False, allow_null=True)
    longitude = serializers.DecimalField(max_digits=9, decimal_places=6, required=False, allow_null=True)


class BareCreateView(APIView):
    authentication_classes = [TokenAuthentication]
    permission_classes = [IsAuthenticated]

    def post(self, request):
        serializer = BareInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        with connection.cursor() as cursor:
            cursor.execute(
                f"INSERT INTO {TABLE} (user_id, kind, text, place, latitude, longitude, created_at) "
                "VALUES (%s, %s, %s, %s, %s, %s, CURRENT_TIMESTAMP)",
                [request.user.pk, data["kind"], data["text"], data["place"], data.get("latitude"), data.get("longitude")],
            )
        return Response({"ok": True, **serializer.data}, status=status.HTTP_201_CREATED)
