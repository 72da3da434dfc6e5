"""The HTTP side of logging in: the Vietnamese login page (GET and POST /dang-nhap), logout
(/dang-xuat), and the middleware that sends a browser without a live session to the login
page and adds safety headers. Served beside Streamlit by `dashboard/asgi.py` (st.App routes).

The session token travels only in an HttpOnly, SameSite=Strict cookie the page's scripts
cannot read; the store keeps its hash (`core.access.sessions`). A POST must come from this
site (its Origin or Referer), so another site cannot log a user in or out.
"""

from __future__ import annotations

import html
import logging
from typing import Any
from urllib.parse import quote, urlsplit

from starlette.middleware.base import BaseHTTPMiddleware, RequestResponseEndpoint
from starlette.requests import Request
from starlette.responses import HTMLResponse, RedirectResponse, Response

from core import config, repository
from core.access import sessions
from core.errors import DatabaseUnavailable, LoginRefused
from core.repository import PyMongoError

COOKIE = "cddh_session"
LOGIN_PATH = "/dang-nhap"
LOGOUT_PATH = "/dang-xuat"
_OPEN_PREFIXES = ("/_stcore/", "/static/", "/media/", "/component/", "/app/static/")
_OPEN_PATHS = {LOGIN_PATH, LOGOUT_PATH, "/favicon.png", "/favicon.ico", "/robots.txt"}
_LOG = logging.getLogger("cddh.login")


def _repo() -> repository.Repository:
    return repository.connect(config.effective_uri(), config.mongodb_db(), timeout_ms=3000)


def client_of(request: Request) -> str | None:
    """The client's address: the proxy's X-Forwarded-For first hop when present."""
    forwarded = request.headers.get("x-forwarded-for", "").split(",")[0].strip()
    if forwarded:
        return forwarded[:100]
    return request.client.host if request.client else None


def safe_next(target: str | None) -> str:
    """Where to go after login: a path of this site only (never another host)."""
    if not target or not target.startswith("/") or target.startswith("//") or "\\" in target:
        return "/"
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or parts.path in _OPEN_PATHS:
        return "/"
    return target


def _same_site(request: Request) -> bool:
    """Whether a POST comes from a page of this site (Origin, else Referer)."""
    source = request.headers.get("origin") or request.headers.get("referer") or ""
    if not source:
        return False
    host = request.headers.get("x-forwarded-host") or request.headers.get("host") or ""
    return urlsplit(source).netloc == host


_PAGE = """<!doctype html>
<html lang="vi"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Đăng nhập — Theo dõi nhiệm vụ UBND tỉnh giao</title>
<style>
 body {{ font-family: "Source Sans Pro", "Noto Sans", "Segoe UI", Arial, sans-serif; margin: 0;
        background: #f0f2f6; color: #262730; }}
 main {{ max-width: 420px; margin: 8vh auto; background: #fff; padding: 32px 36px;
        border-radius: 10px; box-shadow: 0 2px 12px rgba(0,0,0,.08); }}
 h1 {{ font-size: 1.45rem; margin: 0 0 4px; }}
 p.sub {{ margin: 0 0 24px; color: #555; }}
 label {{ display: block; font-weight: 600; margin: 14px 0 6px; }}
 input[type=text], input[type=password] {{ width: 100%; box-sizing: border-box; font-size: 1rem;
        padding: 10px 12px; border: 1px solid #c9ccd3; border-radius: 6px; }}
 button {{ margin-top: 22px; width: 100%; font-size: 1.05rem; padding: 11px; border: 0;
        border-radius: 6px; background: #b71c1c; color: #fff; cursor: pointer; }}
 .msg {{ padding: 10px 12px; border-radius: 6px; margin-bottom: 8px; }}
 .err {{ background: #fdecea; color: #8a1c1c; }}
 .info {{ background: #e8f1fb; color: #17456e; }}
 footer {{ margin-top: 22px; font-size: .85rem; color: #666; }}
</style></head>
<body><main>
<h1>Theo dõi nhiệm vụ UBND tỉnh giao</h1>
<p class="sub">{province} · Đăng nhập để tiếp tục</p>
{message}
<form method="post" action="{action}">
 <input type="hidden" name="next" value="{next}">
 <label for="username">Tên đăng nhập</label>
 <input id="username" name="username" type="text" autocomplete="username" required
        autofocus value="{username}" maxlength="100">
 <label for="password">Mật khẩu</label>
 <input id="password" name="password" type="password" autocomplete="current-password"
        required maxlength="200">
 <button type="submit">Đăng nhập</button>
</form>
<footer>Quên mật khẩu hoặc tài khoản bị khóa: liên hệ Văn phòng UBND tỉnh.</footer>
</main></body></html>"""


def login_page(
    message: str = "", kind: str = "err", username: str = "", next_path: str = "/"
) -> str:
    """The login form, with a message (escaped) when there is one."""
    shown = f'<div class="msg {kind}" role="alert">{html.escape(message)}</div>' if message else ""
    return _PAGE.format(
        province=html.escape(f"UBND tỉnh {config.get('CDDH_PROVINCE')}"),
        message=shown,
        action=LOGIN_PATH,
        next=html.escape(safe_next(next_path), quote=True),
        username=html.escape(username, quote=True),
    )


_NOTICES = {
    "het-phien": ("Phiên làm việc đã hết hạn do không thao tác; vui lòng đăng nhập lại.", "info"),
    "da-dang-xuat": ("Đã đăng xuất.", "info"),
}


def _cookie(response: Response, token: str) -> None:
    response.set_cookie(
        COOKIE,
        token,
        httponly=True,
        samesite="strict",
        secure=config.auth_settings().cookie_secure,
        path="/",
    )


def _no_store(response: Response) -> Response:
    response.headers["Cache-Control"] = "no-store"
    return response


async def login(request: Request) -> Response:
    """GET: the form. POST: check the password; on success set the cookie and go on."""
    if config.auth_settings().mode != "password":
        return RedirectResponse("/", status_code=303)
    if request.method == "GET":
        notice, kind = _NOTICES.get(request.query_params.get("tb", ""), ("", "info"))
        page = login_page(notice, kind, next_path=request.query_params.get("next", "/"))
        return _no_store(HTMLResponse(page))
    form = await request.form()
    username = str(form.get("username") or "")[:100]
    next_path = safe_next(str(form.get("next") or "/"))
    if not _same_site(request):
        page = login_page("Yêu cầu đăng nhập không hợp lệ; hãy mở lại trang đăng nhập.")
        return _no_store(HTMLResponse(page, status_code=403))
    try:
        done = await _in_thread(
            sessions.login, _repo(), username, str(form.get("password") or ""), client_of(request)
        )
    except LoginRefused as exc:
        return _no_store(HTMLResponse(login_page(str(exc), "err", username, next_path), 401))
    except (DatabaseUnavailable, PyMongoError):
        page = login_page("Không kết nối được cơ sở dữ liệu; thử lại sau ít phút.", "err")
        return _no_store(HTMLResponse(page, status_code=503))
    target = "/tai-khoan" if done.must_change_password else next_path
    response = RedirectResponse(target, status_code=303)
    _cookie(response, done.token)
    return _no_store(response)


async def logout(request: Request) -> Response:
    """End the session on the server and forget the cookie; back to the login page."""
    token = request.cookies.get(COOKIE)
    if request.method == "POST" and not _same_site(request):
        return _no_store(HTMLResponse(login_page("Yêu cầu không hợp lệ."), status_code=403))
    try:
        await _in_thread(sessions.logout, _repo(), token, client_of(request))
    except (DatabaseUnavailable, PyMongoError):
        pass  # the cookie is cleared below; the server session expires on its own
    response = RedirectResponse(f"{LOGIN_PATH}?tb=da-dang-xuat", status_code=303)
    response.delete_cookie(COOKIE, path="/")
    return _no_store(response)


async def _in_thread(fn: Any, *args: Any) -> Any:
    import anyio.to_thread

    return await anyio.to_thread.run_sync(fn, *args)


def _page_address(request: Request) -> str | None:
    """Where a page load for an address that is not a page goes instead: the overview's own
    name (`/tong-quan`: the overview is served at `/`) and an unknown address open the
    overview, filters kept, instead of Streamlit's English «Page not found» box."""
    from dashboard.navigation import PAGE_OVERVIEW, PAGES

    path = request.url.path
    if (
        request.method != "GET"
        or "text/html" not in request.headers.get("accept", "")
        or path in _OPEN_PATHS
        or path.startswith(_OPEN_PREFIXES)
    ):
        return None
    slug = path.strip("/")
    pages = {address for _, script, _, address in PAGES if script != PAGE_OVERVIEW}
    if not slug or slug in pages:
        return None
    return "/" + (f"?{request.url.query}" if request.url.query else "")


class SessionGate(BaseHTTPMiddleware):
    """Send a page request without a live session to the login page (password mode), and add
    safety headers to every response."""

    async def dispatch(self, request: Request, call_next: RequestResponseEndpoint) -> Response:
        path = request.url.path
        moved = _page_address(request)
        if moved is not None:
            return _no_store(RedirectResponse(moved, status_code=303))
        if (
            request.method == "GET"
            and config.auth_settings().mode == "password"
            and path not in _OPEN_PATHS
            and not path.startswith(_OPEN_PREFIXES)
            and "text/html" in request.headers.get("accept", "")
        ):
            token = request.cookies.get(COOKIE)
            try:
                state = await _in_thread(sessions.resume, _repo(), token, client_of(request))
            except Exception as exc:  # the store is out of reach: the app shows the message
                _LOG.warning("session not checked: %s", type(exc).__name__)
                state = None
            if state is not None and state.actor is None:
                target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
                notice = "&tb=het-phien" if state.expired else ""
                response: Response = RedirectResponse(
                    f"{LOGIN_PATH}?next={quote(target, safe='')}{notice}", status_code=303
                )
                if token:
                    response.delete_cookie(COOKIE, path="/")
                return _no_store(response)
        response = await call_next(request)
        if response.headers.get("content-type", "").startswith("text/html"):
            # never kept by the browser: the back button after logout asks the server again
            response.headers["Cache-Control"] = "no-store"
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        response.headers.setdefault("X-Frame-Options", "SAMEORIGIN")
        response.headers.setdefault("Referrer-Policy", "same-origin")
        return response
