"""briefsite: a static-site generator for archives of government work bulletins.

The build reads top to bottom as a pipeline, one module per stage:

    config   -> load the site configuration (briefsite.yaml)
    loader   -> read and validate each bulletin file (front_matter, markup)
    archive  -> index the bulletins by city, series and year; find neighbours
    render   -> render every page through the theme's templates
    output   -> write the site atomically (build beside, swap in on success)

``site.build`` and ``site.check`` run the pipeline; ``cli`` is the command line.
"""

__version__ = "0.1.0"
