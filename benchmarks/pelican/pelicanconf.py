# Pelican settings equivalent to briefsite's site, for benchmarks/bench.py:
# the built-in "simple" theme, a page per bulletin (with a table of contents
# from Markdown's toc extension), a category per city (the corpus's city
# folders), the home page and Atom feeds. PATH and OUTPUT_PATH are given on
# the command line.
AUTHOR = "briefsite benchmark"
SITENAME = "工作简报档案"
SITEURL = ""
RELATIVE_URLS = True
THEME = "simple"
TIMEZONE = "Asia/Shanghai"
DEFAULT_LANG = "zh"
DEFAULT_DATE_FORMAT = "%Y-%m-%d"
USE_FOLDER_AS_CATEGORY = True
# Every bulletin of a series shares its title: name pages after the file.
SLUGIFY_SOURCE = "basename"
ARTICLE_URL = "{category}/{slug}/"
ARTICLE_SAVE_AS = "{category}/{slug}/index.html"
CATEGORY_URL = "{slug}/"
CATEGORY_SAVE_AS = "{slug}/index.html"
DEFAULT_PAGINATION = False
FEED_ALL_ATOM = "feeds/all.atom.xml"
CATEGORY_FEED_ATOM = "feeds/{slug}.atom.xml"
FEED_ALL_RSS = None
TRANSLATION_FEED_ATOM = None
AUTHOR_FEED_ATOM = None
AUTHOR_FEED_RSS = None
AUTHOR_SAVE_AS = ""
AUTHORS_SAVE_AS = ""
TAG_SAVE_AS = ""
TAGS_SAVE_AS = ""
ARCHIVES_SAVE_AS = ""
MARKDOWN = {
    "extension_configs": {
        "markdown.extensions.meta": {},
        "markdown.extensions.tables": {},
        "markdown.extensions.toc": {},
    },
    "output_format": "html5",
}
