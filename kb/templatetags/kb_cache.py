"""`{% kbcache "name" value1 value2 %} … {% endkbcache %}`: a fragment of a KB page
kept in the cache (kb.caching says when that is safe and how it is invalidated).

The name and the values it varies on make the key, with the KB's generation, the
language and the day. A fragment that lists articles must vary on `kb_visibility`.
A true `kb_nocache` in the context renders the fragment without the cache."""

from django import template

from kb import caching

register = template.Library()


class KbCacheNode(template.Node):
    def __init__(self, nodelist, name, vary_on):
        self.nodelist = nodelist
        self.name = name
        self.vary_on = vary_on

    def render(self, context):
        request = context.get("request")
        if not caching.enabled(request) or context.get("kb_nocache"):
            return self.nodelist.render(context)
        parts = [self.name.resolve(context), *(value.resolve(context) for value in self.vary_on)]
        key = caching.fragment_key(request, parts)
        value = caching.get(key)
        if value is None:
            value = self.nodelist.render(context)
            caching.put(key, value)
        return value


@register.tag("kbcache")
def do_kbcache(parser, token):
    bits = token.split_contents()
    if len(bits) < 2:
        raise template.TemplateSyntaxError("'kbcache' needs a fragment name")
    nodelist = parser.parse(("endkbcache",))
    parser.delete_first_token()
    return KbCacheNode(
        nodelist, parser.compile_filter(bits[1]), [parser.compile_filter(b) for b in bits[2:]]
    )
