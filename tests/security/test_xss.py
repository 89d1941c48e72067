"""Markdown in motions, amendments and minutes, and candidates' statements,
render inert: a suite of XSS payloads in the style of OWASP's filter-evasion
cheat sheet, each put where a member can put it and the page then read back.

"Inert" means, in the rendered page: no script element but the site's own
``/static/`` files, no event-handler attribute, no ``style`` attribute, no
``javascript:``/``data:``/``vbscript:`` URL, and none of iframe, object,
embed, svg, math, form, base, meta, link or style elements.

Figure: payloads × places, 0 live.
"""

from __future__ import annotations

from html.parser import HTMLParser
from typing import Any

from django.test import Client

from ballots.models import Nomination, Option, Question
from meetings.markdown import markdown_render
from meetings.models import Motion
from tests.security.conftest import Demo

PAYLOADS = [
    "<script>alert(1)</script>",
    "<SCRIPT SRC=https://xss.example/xss.js></SCRIPT>",
    "<IMG SRC=\"javascript:alert('XSS');\">",
    "<IMG SRC=javascript:alert('XSS')>",
    "<IMG SRC=JaVaScRiPt:alert('XSS')>",
    "<IMG SRC=`javascript:alert(\"RSnake says, 'XSS'\")`>",
    '<IMG """><SCRIPT>alert("XSS")</SCRIPT>"\\>',
    '<IMG SRC=/ onerror="alert(String.fromCharCode(88,83,83))"></img>',
    "<img src=x onerror=alert(1)//",
    "<IMG SRC=&#106;&#97;&#118;&#97;&#115;&#99;&#114;&#105;&#112;&#116;&#58;&#97;&#108;&#101;&#114;&#116;&#40;&#39;&#88;&#83;&#83;&#39;&#41;>",
    "<IMG SRC=\"jav&#x09;ascript:alert('XSS');\">",
    "<IMG SRC=\" &#14;  javascript:alert('XSS');\">",
    '<SCRIPT/XSS SRC="https://xss.example/xss.js"></SCRIPT>',
    '<BODY onload!#$%&()*~+-_.,:;?@[/|\\]^`=alert("XSS")>',
    '<<SCRIPT>alert("XSS");//\\<</SCRIPT>',
    "<SCRIPT SRC=//xss.example/.j>",
    "<iframe src=http://xss.example/scriptlet.html <",
    '</TITLE><SCRIPT>alert("XSS");</SCRIPT>',
    '<INPUT TYPE="IMAGE" SRC="javascript:alert(\'XSS\');">',
    "<BODY BACKGROUND=\"javascript:alert('XSS')\">",
    "<svg/onload=alert('XSS')>",
    "<svg><script>alert(1)</script></svg>",
    "<math><mtext><table><mglyph><style><img src=x onerror=alert(1)>",
    "<STYLE>li {list-style-image: url(\"javascript:alert('XSS')\");}</STYLE><UL><LI>XSS</br>",
    '<LINK REL="stylesheet" HREF="javascript:alert(\'XSS\');">',
    '<META HTTP-EQUIV="refresh" CONTENT="0;url=javascript:alert(\'XSS\');">',
    "<TABLE BACKGROUND=\"javascript:alert('XSS')\">",
    "<DIV STYLE=\"background-image: url(javascript:alert('XSS'))\">",
    "<DIV STYLE=\"width: expression(alert('XSS'));\">",
    "<BASE HREF=\"javascript:alert('XSS');//\">",
    '<OBJECT TYPE="text/x-scriptlet" DATA="http://xss.example/scriptlet.html"></OBJECT>',
    '<EMBED SRC="data:image/svg+xml;base64,PHN2ZyB4bWxuczpzdmc9Imh0dH A6Ly93d3cudzMub3JnLzIwMDAvc3ZnIiB4bWxucz0iaHR0cDovL3d3dy53My5vcmcv MjAwMC9zdmciIHhtbG5zOnhsaW5rPSJodHRwOi8vd3d3LnczLm9yZy8xOTk5L3hs aW5rIiB2ZXJzaW9uPSIxLjAiIHg9IjAiIHk9IjAiIHdpZHRoPSIxOTQiIGhlaWdodD0iMjAw IiBpZD0ieHNzIj48c2NyaXB0IHR5cGU9InRleHQvZWNtYXNjcmlwdCI+YWxlcnQoIlh TUyIpOzwvc2NyaXB0Pjwvc3ZnPg==" type="image/svg+xml" AllowScriptAccess="always"></EMBED>',
    '<a href="javascript:alert(1)">click</a>',
    '<a href="JAVASCRIPT:alert(1)" onclick="alert(2)" style="x">click</a>',
    '<a href="data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==">data</a>',
    '<a href="vbscript:msgbox(1)">vb</a>',
    "[click me](javascript:alert(1))",
    "[click me](JaVaScRiPt:alert(1))",
    "[x](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
    "![img](javascript:alert(1))",
    '![img](x" onerror="alert(1))',
    "<details open ontoggle=alert(1)>",
    "<form action=javascript:alert(1)><button>go</button></form>",
    '<p title="</p><script>alert(1)</script>">x</p>',
    "`<script>alert(1)</script>`",
    "    <script>alert(1)</script>",
    "<!--<script>alert(1)</script>-->",
    '<noscript><p title="</noscript><img src=x onerror=alert(1)>">',
    '"><script>alert(document.cookie)</script>',
    "'';!--\"<XSS>=&{()}",
]
FORBIDDEN_TAGS = {
    "iframe", "object", "embed", "svg", "math", "form", "base", "meta", "link", "style", "frame", "frameset",
    "applet", "input", "button", "xss", "body", "title", "noscript",
}  # fmt: skip
BAD_SCHEMES = ("javascript:", "data:", "vbscript:")


class Inspector(HTMLParser):
    def __init__(self, *, whole_page: bool) -> None:
        super().__init__(convert_charrefs=True)
        self.whole_page = whole_page
        self.problems: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        if tag == "script" and not (values.get("src") or "").startswith("/static/"):
            self.problems.append(f"<script {values}>")
        if tag in FORBIDDEN_TAGS and not (
            self.whole_page and tag in {"form", "input", "button", "title", "body", "meta", "link"}
        ):
            self.problems.append(f"<{tag}>")
        for name, value in attrs:
            if name.startswith("on"):
                self.problems.append(f"<{tag} {name}=…>")
            if name == "style":
                self.problems.append(f"<{tag} style=…>")
            if name in {"href", "src", "action", "formaction", "background", "data", "srcdoc"} and value:
                squeezed = "".join(value.split()).lower()
                if squeezed.startswith(BAD_SCHEMES):
                    self.problems.append(f"<{tag} {name}={value[:40]}>")


def inspect(html: str, *, whole_page: bool = False) -> list[str]:
    parser = Inspector(whole_page=whole_page)
    parser.feed(html)
    parser.close()
    return parser.problems


def test_markdown_renderer_makes_every_payload_inert() -> None:
    # The inspector itself sees live markup when there is some.
    assert inspect('<img src=x onerror=alert(1)><a href=" javascript:x">a</a><script>1</script>') == [
        "<img onerror=…>",
        "<a href= javascript:x>",
        "<script {}>",
    ]
    live = [(p, problems) for p in PAYLOADS if (problems := inspect(str(markdown_render(p))))]
    assert not live, live
    # Formatting still works.
    assert "<strong>resolves</strong>" in markdown_render("This branch **resolves**.")


def test_payloads_render_inert_on_the_motion_statement_and_ballot_pages(demo: Demo, django_user_model: Any) -> None:
    question = Question.objects.filter(ballot=demo.open_ballot, kind=Question.Kind.ELECTION).first()
    assert question is not None
    member = Client()
    member.force_login(demo.member)
    checked = 0
    live: list[str] = []
    for i, payload in enumerate(PAYLOADS):
        motion = Motion.objects.create(
            unit=demo.stockport,
            proposer=demo.member,
            title=f"Motion {payload}"[:200],
            text=f"# Heading\n\n{payload}\n\nMore **text** {payload}",
            state=Motion.State.SUBMITTED,
        )
        Option.objects.filter(question=question, position=1).update(
            statement=payload, label=f"Candidate {i} {payload}"[:200]
        )
        Nomination.objects.update_or_create(
            question=question, nominee=demo.member, defaults={"nominated_by": demo.chair, "statement": payload}
        )
        pages = {
            "motion": f"/meetings/motions/{motion.pk}/",
            "motions list": "/meetings/motions/",
            "ballot": f"/ballots/{demo.open_ballot.pk}/",
            "nominations": f"/ballots/{demo.open_ballot.pk}/nominations/",
        }
        for place, url in pages.items():
            response = member.get(url)
            assert response.status_code == 200, (url, response.status_code)
            checked += 1
            for problem in inspect(response.content.decode(), whole_page=True):
                live.append(f"{place}: {payload!r} → {problem}")
    print(f"\nXSS: {len(PAYLOADS)} payloads × 4 pages = {checked} renders, {len(live)} live")  # noqa: T201
    assert not live, "\n".join(live[:20])


def test_amendment_diff_makes_every_payload_inert() -> None:
    """The diff of an amendment is rendered Markdown with marks added
    (``meetings/diffing.py``): a payload on either side stays inert."""
    from meetings.diffing import text_diff_html

    live = [
        (p, found)
        for p in PAYLOADS
        for found in [
            inspect(str(text_diff_html(before=p, after=f"We resolve. {p} now"))),
            inspect(str(text_diff_html(before="We resolve.", after=p))),
        ]
        if found
    ]
    assert not live, live
