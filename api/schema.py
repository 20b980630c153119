"""The OpenAPI document's parts that depend on data: the technique and
condition slugs the parameters take are rows (seeded by migrations, edited in
the admin), so the document lists the current ones each time it is made."""

from therapists.models import Condition, Technique

TAXONOMIES = {"technique": Technique, "condition": Condition}


def taxonomy_enums(result: dict, generator, request, public) -> dict:
    """drf-spectacular postprocessing hook: each `technique` and `condition`
    query parameter takes exactly the slugs there are. A document made
    without a request (`manage.py spectacular`, the deploy check, perhaps
    before any migration) leaves them open: they are data, not code."""
    if request is None:
        return result
    slugs = {
        name: list(model.objects.values_list("slug", flat=True))
        for name, model in TAXONOMIES.items()
    }
    for operations in result.get("paths", {}).values():
        for operation in operations.values():
            for parameter in operation.get("parameters", []):
                if parameter.get("in") != "query" or parameter["name"] not in slugs:
                    continue
                schema = parameter["schema"]
                if schema.get("type") == "array":
                    schema["items"]["enum"] = slugs[parameter["name"]]
                else:
                    # One value, or empty for all (the profile's "All conditions").
                    schema["enum"] = [*slugs[parameter["name"]], ""]
    return result
