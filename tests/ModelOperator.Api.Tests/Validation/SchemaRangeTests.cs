using System.Globalization;
using System.Reflection;
using ModelOperator.Api.Schema;
using ModelOperator.Api.Validation;

namespace ModelOperator.Api.Tests.Validation;

/// <summary>
/// Every numeric bound of the API types is written once, as a [Range] (which the CRD schema is generated from), and the
/// validator checks exactly it: for each one, a value just outside is one problem at that field, saying what is allowed,
/// and the bound itself passes.
/// </summary>
public sealed class SchemaRangeTests
{
    private static IEnumerable<(Type Type, PropertyInfo Property, RangeAttribute Range)> Ranges() =>
        typeof(ModelDeployment).Assembly.GetTypes()
            .Where(t => t.Namespace == typeof(ModelDeployment).Namespace && t.GetConstructor(Type.EmptyTypes) is not null)
            .SelectMany(t => t.GetProperties().Select(p => (Type: t, Property: p, Range: p.GetCustomAttribute<RangeAttribute>()!)))
            .Where(x => x.Range is not null);

    public static TheoryData<string> Fields => new(Ranges().Select(r => $"{r.Type.Name}.{r.Property.Name}"));

    [Fact]
    public void The_spec_has_ranges_to_check()
    {
        var fields = Ranges().Select(r => $"{r.Type.Name}.{r.Property.Name}").ToList();
        Assert.Contains("RolloutStep.SetWeight", fields);
        Assert.Contains("BatchingSpec.MaxBatchSize", fields);
        Assert.True(fields.Count >= 10, string.Join(", ", fields));
    }

    [Theory]
    [MemberData(nameof(Fields))]
    public void A_value_outside_the_range_is_one_problem_saying_what_is_allowed_and_the_bound_passes(string field)
    {
        var (type, property, range) = Ranges().Single(r => $"{r.Type.Name}.{r.Property.Name}" == field);
        var outside = double.IsNaN(range.Maximum) ? range.Minimum - 1 : range.Maximum + 1;
        var bound = double.IsNaN(range.Maximum) ? range.Minimum : range.Maximum;

        var problems = Check(type, property, outside);

        var problem = Assert.Single(problems);
        Assert.Equal($"x.{SchemaBuilder.JsonName(property)}", problem.Path);
        Assert.Equal($"{outside.ToString(CultureInfo.InvariantCulture)} is out of range; use {SchemaBounds.Allowed(type, property.Name)}", problem.Message);
        Assert.Contains(bound.ToString(CultureInfo.InvariantCulture), problem.Message, StringComparison.Ordinal);
        Assert.Empty(Check(type, property, bound));
    }

    [Theory]
    [InlineData(double.NaN)]
    [InlineData(double.PositiveInfinity)]
    [InlineData(0)]
    public void Not_a_finite_number_or_an_excluded_minimum_is_out_of_range(double value)
    {
        var problems = Check(typeof(AutoscalingSpec), typeof(AutoscalingSpec).GetProperty(nameof(AutoscalingSpec.TargetInFlightPerPod))!, value);

        Assert.Equal("use a number greater than 0 and at most 1000000 (e.g. 4)", Assert.Single(problems).Message.Split("; ")[1]);
    }

    private static List<FieldProblem> Check(Type type, PropertyInfo property, double value)
    {
        var target = Nullable.GetUnderlyingType(property.PropertyType) ?? property.PropertyType;
        var instance = Activator.CreateInstance(type)!;
        property.SetValue(instance, target == typeof(double) ? value : Convert.ChangeType(value, target, CultureInfo.InvariantCulture));
        var problems = new List<FieldProblem>();
        SchemaBounds.Check(instance, "x", problems);
        return problems;
    }
}
