"""``kg serve``: the store over HTTP, read-only.

- :mod:`kg.serve.app`: the WSGI application and its routes; the one module that imports waitress;
- :mod:`kg.serve.protocol`: SPARQL 1.1 Protocol requests and content negotiation;
- :mod:`kg.serve.guard`: what a query may not do (update, SERVICE);
- :mod:`kg.serve.runner`: queries in worker processes, with a time limit and a row cap;
- :mod:`kg.serve.resource`: dereferenceable IRIs (``/id/…``) and the ontology page;
- :mod:`kg.serve.html`: the HTML helpers those pages share;
- ``kg/serve/page/``: the query page served at ``/``.
"""
