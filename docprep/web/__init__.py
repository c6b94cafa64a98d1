"""The local web page (`docprep serve`, the optional extra docprep[web]): at the interface layer beside cli.py, and as
thin. `app.py` is the HTTP side (the page, the API), `guard.py` what every request passes (Host, Origin, upload
limit), `jobs.py` what each API call asks of the library, `workspace.py` where uploads and pictures live, `page.py`
the page's template data, `server.py` uvicorn and Ctrl-C; `templates/` and `static/` are the page (plain HTML, CSS
and JavaScript served by the package: no CDN, works offline)."""
