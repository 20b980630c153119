"""The query budgets tests hold pages to, where several test files share one."""

# The search page's first look: the taxonomies (the form's choices), the capped
# count, the page, the cards' versions (therapists.cards), and the techniques and
# locations of the cards not kept. Once they are kept: the first four only.
SEARCH_PAGE = 6
SEARCH_PAGE_KEPT = 4
