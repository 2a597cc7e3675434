using System.Text;

namespace ModelOperator.Kubectl.Tests.Support;

/// <summary>A writer a test can read while the plugin still writes to it (a watch runs on another task).</summary>
internal sealed class CapturingWriter : TextWriter
{
    private readonly StringBuilder _text = new();
    private readonly Lock _gate = new();

    public override Encoding Encoding => Encoding.UTF8;

    public override void Write(char value)
    {
        lock (_gate)
        {
            _text.Append(value);
        }
    }

    public override void Write(string? value)
    {
        lock (_gate)
        {
            _text.Append(value);
        }
    }

    public override Task WriteAsync(string? value)
    {
        Write(value);
        return Task.CompletedTask;
    }

    public override Task WriteLineAsync(string? value)
    {
        Write(value + NewLine);
        return Task.CompletedTask;
    }

    public override string ToString()
    {
        lock (_gate)
        {
            return _text.ToString();
        }
    }

    /// <summary>Waits until the text satisfies <paramref name="condition"/>, failing after <paramref name="timeout"/>.</summary>
    public async Task<string> WaitForAsync(Func<string, bool> condition, TimeSpan timeout)
    {
        var until = DateTime.UtcNow + timeout;
        while (true)
        {
            var text = ToString();
            if (condition(text))
            {
                return text;
            }

            if (DateTime.UtcNow > until)
            {
                throw new TimeoutException($"The output did not reach the expected state in {timeout}:\n{text}");
            }

            await Task.Delay(20);
        }
    }
}
