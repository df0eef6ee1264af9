"""Listing pages: the article links, their rows, and how the board pages.

Article links are the largest family of links sharing a URL shape (same path and query keys,
numbers aside) or the same javascript call (`fn_egov_inquire_articledetail('BBSMSTR_…','12345')`),
outside menus and footers, scored by title length and by a date in their row. A row is the child
of the links' common container holding the link (`tr`, `li`, a card), so one row gives one link
however many anchors it holds. Notice rows (공지) are flagged; locked rows (비밀글, a lock icon)
are skipped, and rows without a link never appear.

Pagination: the page-number links are compared. A query parameter equal to the page number is
`query` (`?page=N`, `pageIndex=N`, `curPage=N`); one that steps by the page size is `offset`
(`Start=0,10,20`); a number in the path is `path` (`/page/N/`); a javascript call carrying the
number is `javascript`, with the form it posts when the page defines the function
(`pageLink(2)` sets `#pageIndex` and submits `#mainForm`; eGovFrame's
`fn_egov_select_linkPage(2)` sets `document.listForm.pageIndex`); `#page=2` is `fragment` (an
AJAX board whose real requests must be found by hand); a lone "next" link is `next-link`.

Pagers built by script leave no page link in the HTML; after the pager links and a "next" link,
the page's scripts are read (`Pagination.rule` names the rule that found it):
- `script-function`: a page function written on the page (`fn_link_page(n)`, `goPage(n)`,
  `linkPage(n)`, `fn_egov_link_page(n)`, `movePage(n)`...) that sets a form field and submits the
  form: mechanism `javascript`, the form posted with the field set to N;
- `script-field`: a script that sets a page-number field of a form and submits it (광주광역시:
  `paging(1, 1537, 15367)` fills an empty `div.paging`, a click sets the hidden `movePage` of
  `#boardSearchForm`): mechanism `form`;
- `form-field`: the list form itself (its action is this page) carries a hidden page number:
  mechanism `form`.
The current and last page come from the pager-building call (`paging(current, totalPages, …)`)
or the field's value.

A listing page with few rows (the last page: one article under a pinned notice) looks like a
list of page links; `RowPattern` is what the first page taught (the article links' shape and the
path to their container), and `extract_listing(..., pattern=)` reads later pages with it. A
board's only page with one or two rows is read when they are dated rows of a table or list.

The package: `results` (what a listing page gives: ListingGuess, ListingLink, Pagination,
RowPattern), `targets` (where a link goes: its URL shape or javascript call), `rows` (the article
links, their rows, titles, dates, notices and ids), `pattern` (the rows' structure carried from
the first page to the others), `pagination` (the pager's links, a "next" link, the rules in
order), `scripts` (pagers built by script: page functions and the forms they submit), `guess`
(`extract_listing` and `guess_kind`, which put them together).
"""
