"""What the shortlist and compare tests read back from pages."""


def page(response) -> str:
    return response.content.decode()
