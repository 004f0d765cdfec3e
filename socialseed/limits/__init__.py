"""What an account may do today: its phase (warm-up, growth, maintenance) and the budget left
under the phase's caps and the platform's hard caps. Pure; plan, apply and observe share it.

- ``phases``: the current phase of an account and today's budget per verb.
"""
