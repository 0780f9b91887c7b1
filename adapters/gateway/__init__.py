"""The payment gateway's edge: its HTTP functions, their store on every engine, the message it
publishes to the processor, the panel's static files, and the accounts command."""
