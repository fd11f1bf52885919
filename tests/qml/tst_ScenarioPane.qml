import QtQuick
import QtTest
import Goflow.Studio
import Goflow.Testing

StudioTestCase {
    name: "ScenarioPane"

    ScenarioListModel {
        id: scenarios
        directory: TestData.scenarioDirectory
    }
    Component {
        id: paneComponent
        ScenarioPane {
            width: 330
            height: 600
            model: scenarios
        }
    }
    Component {
        id: spyComponent
        SignalSpy {}
    }

    function createPane(properties) {
        const pane = createShown(paneComponent, properties ?? {});
        verify(pane);
        const list = findChild(pane, "scenarioList");
        verify(list);
        tryVerify(() => list.count === scenarios.count && list.itemAtIndex(1) !== null);
        return pane;
    }

    function test_listsScenarios() {
        verify(scenarios.count >= 2, "the scenario directory lists " + scenarios.count);
        const pane = createPane();
        const first = findChild(pane, "scenarioList").itemAtIndex(0);
        compare(first.text, first.name);
    }

    function test_clickChoosesScenario() {
        const pane = createPane();
        const spy = createTemporaryObject(spyComponent, this,
                                          { target: pane, signalName: "scenarioChosen" });
        const second = findChild(pane, "scenarioList").itemAtIndex(1);
        mouseClick(second);
        compare(spy.count, 1);
        compare(spy.signalArguments[0][0], second.path);
        verify(second.path.endsWith(".json"));
    }

    function test_highlightsCurrentScenario() {
        const pane = createPane();
        const list = findChild(pane, "scenarioList");
        pane.currentPath = list.itemAtIndex(1).path;
        verify(list.itemAtIndex(1).highlighted);
        verify(!list.itemAtIndex(0).highlighted);
        pane.currentPath = "";
        verify(!list.itemAtIndex(1).highlighted);
    }

    function test_showsExplanation() {
        const pane = createPane({ title: "API burst", details: "rate 100/s",
                                  description: "A token bucket absorbs the burst." });
        verify(findByText(pane, "API burst") !== null, "title not shown");
        verify(findByText(pane, "rate 100/s") !== null, "details not shown");
        verify(findByText(pane, "A token bucket absorbs the burst.") !== null,
               "description not shown");
    }

    function test_followsTheme() {
        const pane = createPane({ details: "details" });
        const details = findByText(pane, "details");
        verify(Qt.colorEqual(pane.color, Theme.panel));
        verify(Qt.colorEqual(details.color, Theme.mutedText));
        const lightPanel = copyColour(pane.color);
        Theme.choice = StudioSettings.Dark;
        verify(Qt.colorEqual(pane.color, Theme.panel));
        verify(Qt.colorEqual(pane.border.color, Theme.border));
        verify(Qt.colorEqual(details.color, Theme.mutedText));
        verify(!Qt.colorEqual(pane.color, lightPanel));
    }
}
