"""Other systems' access to the knowledge base: API keys for the headless API
(/api/v2/kb/, kb.api), signed webhooks on publication, unpublication and amended-act
flags, delivered through an outbox of their own with retries. docs/kb_api.md."""
