"""korea.kr 정책브리핑 press releases: a national aggregator listing every body's releases.

The listing is as on the real page (../shared/real-pages/korea_kr_pressRelease_list.html):
`div.list_type li` entries linking `/briefing/pressReleaseView.do?newsId=…&pageIndex=N&…` (the
list's search state rides along in the link), each with the title in `strong`, a lead, and
`span.source` holding the date `2026.01.07` and the publishing body (고용노동부, 경기도…);
20 per page; `onclick="pageLink(n)"` puts n into `#pageIndex` and POSTs `#mainForm`
(pageIndex, repCodeType, repCode, startDate, endDate, srchWord, period) to the list URL. Ids
are not in date order (…805, …806, …803 on the real page). A sidebar repeats the newest release's
link outside `div.list_type`, and the footer links a notice by `newsId` too.

The replica honours the form's date window: a non-blank startDate/endDate (the captured page
carries `2025-01-07`..`2026-01-07`, one year back from the capture) keeps only the releases inside
it. A page number past the end shows the last page again.

No real view page is at hand, so the view is designed after what korea.kr press release views
show: `div.view_title` with an info line (date, publishing body) and the `h1` title; the body in
`div.view_cont > div.article_body`, followed inside `div.view_cont` by the contact block
(담당 부서 / 문의), the attachment list — each file's name in a `span`, its links reading only
바로보기 (a document viewer) and 내려받기 (`/common/download.do?fileId=…&tblKey=GMN`) — and the
공공누리 licence block naming the body again. The `<title>` and `og:title` are site-wide, not the
release's. No view count is printed.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, replace

from .common import esc, file_response, page_slice, paragraphs_html, robots, as_int
from .corpus import Post, PostFile, posts
from .http import SiteRequest, SiteResponse

LIST = "/briefing/pressReleaseList.do"
VIEW = "/briefing/pressReleaseView.do"
DOWNLOAD = "/common/download.do"
PER_PAGE = 20
FORM_FIELDS = ("repCodeType", "repCode", "startDate", "endDate", "srchWord", "period")
BODIES = ("고용노동부", "경기도", "농림축산식품부", "산림청", "법무부", "해양수산부", "경상남도",
          "개인정보보호위원회", "중소벤처기업부", "행정안전부")
FIRST_NEWS_ID = 156738805
FIRST_FILE_ID = 198274601
SITE_TITLE = "보도자료 | 브리핑룸 | 대한민국 정책브리핑"


@dataclass(frozen=True)
class Release:
    post: Post
    body: str                 # the publishing ministry / agency / local government

    @property
    def id(self) -> int:
        return self.post.id


def news_ids(count: int) -> list[int]:
    """Descending ids with some neighbours swapped, as the real list shows them."""
    ids = [FIRST_NEWS_ID - 3 * k for k in range(count)]
    for k in range(0, count - 1, 7):
        ids[k], ids[k + 1] = ids[k + 1], ids[k]
    return ids


class KoreaKrSite:
    name = "korea-kr"
    per_page = PER_PAGE

    def __init__(self, articles: int = 45, seed: int = 8):
        generated = posts(articles, seed)
        self.releases = [Release(replace(p, id=news_id), BODIES[k % len(BODIES)])
                         for k, (p, news_id) in enumerate(zip(generated, news_ids(len(generated))))]
        self.posts = [r.post for r in self.releases]
        self.by_id = {r.id: r for r in self.releases}
        self.files: dict[int, PostFile] = {}
        self.file_ids: dict[tuple[int, int], int] = {}
        file_id = FIRST_FILE_ID
        for release in self.releases:
            for k, file in enumerate(release.post.files):
                self.files[file_id] = file
                self.file_ids[(release.id, k)] = file_id
                file_id += 1

    def is_listing(self, method: str, path: str, body: bytes = b"") -> bool:
        return path.partition("?")[0] == LIST

    def expected(self, post: Post) -> dict:
        """The publishing body (고용노동부, 경기도…) is the author; korea.kr prints no view count."""
        release = self.by_id[post.id]
        return {"author": release.body, "department": f"{release.body} {post.department}", "views": None}

    def respond(self, request: SiteRequest) -> SiteResponse:
        if request.path == "/robots.txt":
            return robots()
        if request.path == LIST:
            state = {name: request.param(name, "") or "" for name in FORM_FIELDS}
            page = as_int(request.param("pageIndex")) or 1
            return SiteResponse.html(self.listing(page, state))
        if request.path == VIEW:
            release = self.by_id.get(as_int(request.query.get("newsId")))
            return SiteResponse.html(self.view(release)) if release else SiteResponse.not_found()
        if request.path == DOWNLOAD and request.query.get("tblKey") == "GMN":
            file = self.files.get(as_int(request.query.get("fileId")))
            return file_response(file) if file else SiteResponse.not_found()
        return SiteResponse.not_found()

    # ------------------------------------------------------------------ listing

    def in_window(self, release: Release, state: dict[str, str]) -> bool:
        day = release.post.posted.date()
        start, end = _day(state.get("startDate")), _day(state.get("endDate"))
        return (start is None or day >= start) and (end is None or day <= end)

    def listing(self, page: int, state: dict[str, str]) -> str:
        found = [r for r in self.releases if self.in_window(r, state)]
        last = max(1, -(-len(found) // PER_PAGE))
        page = min(max(page, 1), last)
        query = "&amp;".join(f"{k}={esc(v)}" for k, v in state.items())
        items = "".join(f"""
									<li>
										<a href="{VIEW}?newsId={r.id}&amp;pageIndex={page}&amp;{query}">
											<span class="text">
												<strong style="overflow-wrap: break-word;">{esc(r.post.title)}</strong>
												<span class="lead is-truncated" style="overflow-wrap: break-word;">
													{esc(" ".join(r.post.paragraphs)[:140])}···</span>
												<span class="source">
													<span>{r.post.posted:%Y.%m.%d}</span>
													<span>{esc(r.body)}</span>
												</span>
											</span>
										</a>
									</li>
								""" for r in page_slice(found, page, PER_PAGE))
        numbers = "".join(
            f'<span class="num on"><a href="#pageLink" onclick="return false;" class="on" title="현재페이지">{n}</a></span>'
            if n == page else
            f'<span class="num"><a href="#pageLink" onclick="pageLink({n}); return false;" title="{n}페이지">{n}</a></span>'
            for n in range(1, last + 1))
        newest = self.releases[0]
        hidden = "".join(f'\n\t\t                <input type="hidden" id="{k}" name="{k}" value="{esc(v)}">'
                         for k, v in state.items() if k != "period")
        return f"""<!DOCTYPE html><html lang="ko"><head>
	<title>{SITE_TITLE}</title>
<meta charset="UTF-8">
<link rel="canonical" href="https://www.korea.kr/briefing/pressReleaseList.do">
<meta property="og:title" content="">
<script>
    function pageLink(pageNo){{
		history.replaceState({{}}, null, location.pathname);
		$('#mainForm').attr('action', document.location.href);
        $('#pageIndex').val(pageNo);
        $('#mainForm').submit();
    }}
</script>
</head>
<body>
<section class="area_contents" id="container">
	<div class="article_wrap"><div class="container">
					<form id="mainForm" name="mainForm" method="post" action="{LIST}" onsubmit="">
		                <input type="hidden" id="pageIndex" name="pageIndex" value="{page}">{hidden}
		                <input type="hidden" id="formPeriod" name="period" value="{esc(state.get("period"))}">
		            </form>
					<div class="article_body">
						<h2><strong>보도자료</strong></h2>
						<div class="sch_brief"><div class="result"> 총 <strong>{len(found)}</strong>건</div></div>
						<div class="list_type">
							<ul>{items}
							</ul>
						</div>
							<div class="paging">
		                		<a class="first" href="#pageLink" onclick="pageLink(1); return false;"><span class="sr-only">첫 페이지로 이동</span></a>{numbers}<a class="last" href="#pageLink" onclick="pageLink({last}); return false;"><span class="sr-only">마지막 페이지로 이동</span></a>
							</div>
					</div>
	</div></div>
	<aside class="as_side">
		<ul>
			<li><a href="{VIEW}?newsId={newest.id}&amp;pWise=sub&amp;pWiseSub=C5">
				<span class="text"><span style="overflow-wrap: break-word;">{esc(newest.post.title)}</span></span></a></li>
		</ul>
	</aside>
</section>
<footer id="footer" class="footer">
	<div class="foot_notice"><h3>공지사항</h3>
		<div class="desc"><a href="/etc/noticeView.do?newsId=132038338&amp;pWise=main&amp;pWiseSub=O1">MY 맞춤뉴스 서비스 종료 안내</a></div></div>
	<ul class="foot_nav"><li><a href="/guide/copyRight.do">저작권정책</a></li></ul>
</footer>
</body></html>"""

    # ------------------------------------------------------------------ view

    def view(self, release: Release) -> str:
        post = release.post
        files = "".join(f"""
						<li>
							<span class="name"><i class="ico_{f.name.rsplit('.', 1)[-1]}"></i>{esc(f.name)}</span>
							<span class="btn">
								<a href="/docViewer/skin/doc.html?fn={self.file_ids[(release.id, k)]}&amp;rs=/docViewer/result/{post.posted:%Y.%m/%d}/" class="btn_view" target="_blank" title="새창 열림">바로보기</a>
								<a href="{DOWNLOAD}?fileId={self.file_ids[(release.id, k)]}&amp;tblKey=GMN" class="btn_down">내려받기</a>
							</span>
						</li>""" for k, f in enumerate(post.files))
        filedown = (f'\n				<div class="filedown"><strong class="tit">첨부파일</strong><ul>{files}\n				</ul></div>'
                    if post.files else "")
        index = self.releases.index(release)
        older = self.releases[index + 1] if index + 1 < len(self.releases) else None
        older_link = (f'<a href="{VIEW}?newsId={older.id}">{esc(older.post.title)}</a>'
                      f' <span class="date">{older.post.posted:%Y.%m.%d}</span>' if older else "")
        return f"""<!DOCTYPE html><html lang="ko"><head>
	<title>{SITE_TITLE}</title>
<meta charset="UTF-8">
<meta property="og:title" content="대한민국 정책브리핑">
<meta property="og:description" content="문화체육관광부에서 운영하는 대한민국 정책을 제공하는 포털사이트입니다. 정책브리핑 | 브리핑룸 | 보도자료">
</head>
<body>
<section class="area_contents" id="container">
	<div class="article_wrap"><div class="container">
		<div class="article_head">
			<div class="view_title">
				<div class="info">
					<span>{post.posted:%Y.%m.%d}</span>
					<span>{esc(release.body)}</span>
				</div>
				<h1>{esc(post.title)}</h1>
			</div>
			<div class="article_util"><button type="button" class="print">인쇄</button>
				<button type="button" class="share">공유</button></div>
		</div>
		<div class="article_body">
			<div class="view_cont">
				<div class="article_body">
{paragraphs_html(post)}
				</div>
				<div class="contact_info">
					<dl><dt>담당 부서</dt><dd>{esc(release.body)} {esc(post.department)}</dd></dl>
					<dl><dt>문의</dt><dd>{esc(post.phone)}</dd></dl>
				</div>{filedown}
				<div class="copyright_wrap">
					<a href="https://www.kogl.or.kr/info/license.do" target="_blank"><img src="/images/common/img_opentype01.png" alt="공공누리 제1유형: 출처표시"></a>
					<p>정책브리핑의 정책뉴스자료는 공공누리 제1유형 : 출처표시 조건에 따라 이용할 수 있습니다.
					다만, 사진·이미지·일러스트·동영상 등의 일부 자료는 저작권이 별도로 있을 수 있으니 사용 시 주의하시기 바랍니다.</p>
					<p>이 자료는 {esc(release.body)}의 보도자료를 전재하여 제공함을 알려드립니다.</p>
				</div>
			</div>
		</div>
		<div class="article_foot"><dl class="next"><dt>이전 보도자료</dt><dd>{older_link}</dd></dl></div>
	</div></div>
</section>
<footer id="footer" class="footer"><ul class="foot_nav"><li><a href="/guide/copyRight.do">저작권정책</a></li></ul>
	<address><span><i>(30119) 세종특별자치시 갈매로 388 정부세종청사 15동 © 문화체육관광부</i></span></address></footer>
</body></html>"""



def _day(text: str | None) -> datetime.date | None:
    try:
        return datetime.date.fromisoformat(text) if text else None
    except ValueError:
        return None


Site = KoreaKrSite   # the replica of the `korea-kr` profile (scraper.replica.sites convention)
