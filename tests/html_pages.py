"""Reading a served page as a user's browser would: its HTML (the page must have answered 200) and the address of
a link by its rel (the pagers' 上一页 / 下一页)."""
import re


def ok_html(response) -> str:
    assert response.status_code == 200, response.status_code
    return response.get_data(as_text=True)


def rel_link(page, rel) -> str | None:
    found = re.search(rf'<a href="([^"]+)" rel="{rel}">', page)
    return found.group(1).replace("&amp;", "&") if found else None
