def test_healthz_answers_ok_when_anonymous(db, client, django_assert_num_queries):
    with django_assert_num_queries(0):
        response = client.get("/healthz")
    assert response.status_code == 200
    assert response.content == b"ok"
    assert response["Content-Type"].startswith("text/plain")


def test_healthz_answers_ok_behind_the_proxy_in_production(client, settings):
    # given production security settings (HTTPS redirect, strict hosts)
    settings.SECURE_SSL_REDIRECT = True
    settings.SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    settings.ALLOWED_HOSTS = ["jpo.example.org"]
    # when the compose healthcheck calls it with the proxy's headers
    response = client.get("/healthz", headers={"host": "jpo.example.org", "x-forwarded-proto": "https"})
    # then
    assert response.status_code == 200


def test_healthz_rejects_post(client):
    assert client.post("/healthz").status_code == 405
