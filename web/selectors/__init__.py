"""Reads behind the agents' pages: the inbox, the case page, a customer's history.

Each selector starts from `complaints.selectors.cases_visible_to(user)`, so a
page can never show a case its viewer may not see, and loads what a page
needs in a fixed number of queries, whatever the number of rows shown.
"""
