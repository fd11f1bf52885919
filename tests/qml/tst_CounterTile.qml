import QtQuick
import Goflow.Studio

StudioTestCase {
    name: "CounterTile"

    Component {
        id: tileComponent
        CounterTile {}
    }

    function test_showsLabelAndValue() {
        const tile = createShown(tileComponent,
                                           { label: "Admitted", value: "2,140" });
        verify(tile);
        verify(findByText(tile, "Admitted") !== null, "label text not shown");
        const value = findByText(tile, "2,140");
        verify(value !== null, "value text not shown");
        tile.value = "2,141";
        compare(value.text, "2,141");
        verify(tile.implicitWidth > value.implicitWidth);
    }

    function test_valueColour() {
        const tile = createShown(tileComponent, { label: "a", value: "1" });
        const value = findByText(tile, "1");
        verify(Qt.colorEqual(value.color, Theme.text));
        tile.valueColor = Theme.rejected;
        verify(Qt.colorEqual(value.color, Theme.rejected));
    }

    function test_followsTheme() {
        const tile = createShown(tileComponent, { label: "a", value: "1" });
        const label = findByText(tile, "a");
        const value = findByText(tile, "1");
        const lightPanel = copyColour(tile.color);
        const lightLabel = copyColour(label.color);
        const lightValue = copyColour(value.color);

        Theme.choice = StudioSettings.Dark;
        verify(Qt.colorEqual(tile.color, Theme.panel));
        verify(Qt.colorEqual(tile.border.color, Theme.border));
        verify(Qt.colorEqual(label.color, Theme.mutedText));
        verify(Qt.colorEqual(value.color, Theme.text));
        verify(!Qt.colorEqual(tile.color, lightPanel));
        verify(!Qt.colorEqual(label.color, lightLabel));
        verify(!Qt.colorEqual(value.color, lightValue));
    }
}
