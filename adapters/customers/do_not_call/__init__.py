"""Do-not-call lists in Bank 2: the store on every engine (``store.py``, its statements in
``sql/<engine>.py``), its in-memory reference (``memory.py``) and the export files' format
(``export_file.py``). The service is ``service/customers/do_not_call.py``; docs/do-not-call.md
says what a load does."""
