import QtQuick
import QtTest
import Goflow.Studio
import Goflow.Testing

// The base of the component tests: each test function starts with the light palette and fails
// if anything printed a warning while it ran. Derived tests must not define init() or cleanup().
TestCase {
    width: 1000
    height: 700
    visible: true
    when: windowShown

    // Returns the first object under `item`, depth first, whose `text` is `text`, or null. It
    // walks `data`, which also holds the objects that ChartView keeps out of `children`.
    function findByText(item, text) {
        const kids = item.data ?? item.children ?? [];
        for (let i = 0; i < kids.length; ++i) {
            const child = kids[i];
            if (child.text === text)
                return child;
            const found = findByText(child, text);
            if (found)
                return found;
        }
        return null;
    }

    // Returns `colour` as a "#aarrggbb" string. Reading a colour property gives a reference that
    // follows later changes, so a value to compare against later must be copied this way.
    function copyColour(colour) {
        return String(colour);
    }

    // Creates `component` under this test case and waits until it is laid out and drawn, so
    // that clicks land on the controls' final positions.
    function createShown(component, properties) {
        const object = createTemporaryObject(component, this, properties ?? {});
        verify(object, "cannot create " + component);
        waitForRendering(object);
        return object;
    }

    // NOTE: recording starts in the first init(), so a warning printed by the first test file's
    // initTestCase() only shows as QWARN in the log and fails nothing.
    function init() {
        WarningLog.attach();
        Theme.choice = StudioSettings.Light;
    }

    function cleanup() {
        compare(WarningLog.take(), "", "warnings printed during the test");
    }
}
