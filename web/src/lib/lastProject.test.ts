import { initialProject, LAST_PROJECT_KEY, readLastProject, rememberProject } from "./lastProject";

const projects = [{ id: "prj_a" }, { id: "prj_b" }];

describe("the last-used project", () => {
  test("is remembered in localStorage across forms", () => {
    expect(readLastProject()).toBeNull();
    rememberProject("prj_b");
    expect(window.localStorage.getItem(LAST_PROJECT_KEY)).toBe("prj_b");
    expect(readLastProject()).toBe("prj_b");
  });

  test("starts a create form while it is still registered", () => {
    expect(initialProject(projects, "prj_b")).toBe("prj_b");
  });

  test("falls back to the first project when it was removed or never set, never to no project", () => {
    expect(initialProject(projects, "prj_gone")).toBe("prj_a");
    expect(initialProject(projects, null)).toBe("prj_a");
  });

  test("means no project only when none is registered", () => {
    expect(initialProject([], "prj_a")).toBe("");
  });

  test("storage that throws is treated as empty", () => {
    const broken = {
      getItem: () => {
        throw new Error("denied");
      },
      setItem: () => {
        throw new Error("denied");
      },
    };
    expect(readLastProject(broken)).toBeNull();
    expect(() => rememberProject("prj_a", broken)).not.toThrow();
  });
});
