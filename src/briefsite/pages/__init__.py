"""What the site shows: pages, feeds, sitemap, export, rendered through the theme."""
