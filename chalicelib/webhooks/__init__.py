"""The organismes' webhooks: each organisme registers one HTTPS endpoint and hears of every
change of its files as signed events (the Standard Webhooks specification), delivered at least
once through a queue, with retries over a day."""
