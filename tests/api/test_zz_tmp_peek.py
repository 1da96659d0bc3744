from tests.api.test_tasks_and_inbox import _run_rules, CAMILLE
def test_peek(api_as, demo_db):
    _run_rules(demo_db)
    t = api_as(CAMILLE).get("/alertes?regle=declining-key-account").text
    i = t.index('id="alerts-total"')
    print(t[i-200:i+1200])
