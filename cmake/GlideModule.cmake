# glide_module(NAME SOURCES... DEPENDS...): one static library per module folder, its public
# headers in <folder>/include, exported as glide::<name>.
function(glide_warnings target)
  target_compile_options(${target} PRIVATE -Wall -Wextra -Wpedantic)
  # GCC 12 reports Asio's coroutine frame allocator as mismatched new/delete: a known false
  # positive (GCC bug 109224).
  # It also reports Outcome's result storage as maybe-uninitialized when results are moved
  # through type-erased handlers at -O2: false positives that vary with inlining.
  # At -O3 (Release) it reports `"(" + std::string` as an overlapping memcpy (-Wrestrict, GCC bug
  # 105651): left a warning, not an error, so that a Release build with GLIDE_WERROR succeeds.
  if(CMAKE_CXX_COMPILER_ID STREQUAL "GNU")
    target_compile_options(${target} PRIVATE -Wno-mismatched-new-delete -Wno-maybe-uninitialized
      -Wno-error=restrict)
  endif()
  if(GLIDE_WERROR)
    target_compile_options(${target} PRIVATE -Werror)
  endif()
endfunction()

function(glide_module name)
  cmake_parse_arguments(ARG "" "" "SOURCES;DEPENDS" ${ARGN})
  add_library(glide_${name} STATIC ${ARG_SOURCES})
  add_library(glide::${name} ALIAS glide_${name})
  set_target_properties(glide_${name} PROPERTIES EXPORT_NAME ${name} POSITION_INDEPENDENT_CODE ON)
  target_include_directories(glide_${name} PUBLIC
    $<BUILD_INTERFACE:${CMAKE_CURRENT_SOURCE_DIR}/include>
    $<INSTALL_INTERFACE:include>)
  target_compile_features(glide_${name} PUBLIC cxx_std_20)
  target_link_libraries(glide_${name} PUBLIC ${ARG_DEPENDS})
  glide_warnings(glide_${name})
  install(DIRECTORY include/ DESTINATION include)
  set_property(GLOBAL APPEND PROPERTY GLIDE_MODULES glide_${name})
endfunction()
