"""GET /healthz: whether this app server can do its work, for load balancers and monitoring.

It asks the database for SELECT 1 and, when FLASHMOB_REDIS_URL is set, Redis for PING, and answers
200 {"status": "ok", ...} or 503 naming what failed. No sign-in, no limit, no cookie, never cached:
a load balancer asks every few seconds and must always hear the truth of the moment.
"""

from __future__ import annotations

import time

from flask import Blueprint, current_app, jsonify, request
from sqlalchemy import text

from flashmob.extensions import csrf, db, limiter

bp = Blueprint("health", __name__)

EXTENSION_KEY = "flashmob.health.redis"
# A health check that waits longer than the load balancer's own timeout says nothing useful.
REDIS_TIMEOUT_SECONDS = 1.0


def _check_database() -> None:
    try:
        db.session.execute(text("SELECT 1"))
    finally:
        # Hand the connection back at once; a broken one is not kept.
        db.session.rollback()


def _redis_client(url: str):
    client = current_app.extensions.get(EXTENSION_KEY)
    if client is None:
        import redis

        client = redis.Redis.from_url(
            url, socket_timeout=REDIS_TIMEOUT_SECONDS, socket_connect_timeout=REDIS_TIMEOUT_SECONDS
        )
        current_app.extensions[EXTENSION_KEY] = client
    return client


def _check_redis(url: str) -> None:
    _redis_client(url).ping()


@bp.route("/healthz")
@limiter.exempt
@csrf.exempt
def healthz():
    checks: dict[str, dict] = {}
    probes = {"database": _check_database}
    redis_url = current_app.config.get("REDIS_URL")
    if redis_url:
        probes["redis"] = lambda: _check_redis(redis_url)
    # ?check=database asks only the database: for a load balancer, since every server shares one
    # Redis and copes without it (feeds are built, limits counted per process), a Redis outage must
    # not take them all out of the pool at once. Monitoring asks for everything.
    wanted = request.args.getlist("check")
    unknown = sorted(set(wanted) - {"database", "redis"})
    if unknown:
        return jsonify({"status": "bad request", "unknown_checks": unknown}), 400
    if wanted:
        probes = {name: probe for name, probe in probes.items() if name in wanted}
    for name, probe in probes.items():
        started = time.perf_counter()
        try:
            probe()
        except Exception as exc:
            # The reason goes to the log, not to whoever asked: it may name hosts and users.
            current_app.logger.warning("health: %s check failed: %s", name, type(exc).__name__, exc_info=True)
            checks[name] = {"status": "unavailable"}
        else:
            checks[name] = {"status": "ok", "ms": round((time.perf_counter() - started) * 1000, 1)}
    failed = sorted(name for name, check in checks.items() if check["status"] != "ok")
    body = {"status": "ok" if not failed else "unavailable", "checks": checks}
    if failed:
        body["failed"] = failed
    response = jsonify(body)
    response.status_code = 503 if failed else 200
    response.headers["Cache-Control"] = "no-store"
    return response
