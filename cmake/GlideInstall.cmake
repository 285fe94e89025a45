include(GNUInstallDirs)
include(CMakePackageConfigHelpers)

get_property(glide_modules GLOBAL PROPERTY GLIDE_MODULES)
install(TARGETS glide ${glide_modules} EXPORT glideTargets
  ARCHIVE DESTINATION ${CMAKE_INSTALL_LIBDIR}
  LIBRARY DESTINATION ${CMAKE_INSTALL_LIBDIR}
  INCLUDES DESTINATION ${CMAKE_INSTALL_INCLUDEDIR})
install(EXPORT glideTargets NAMESPACE glide:: DESTINATION ${CMAKE_INSTALL_LIBDIR}/cmake/glide)

configure_package_config_file(cmake/glideConfig.cmake.in ${CMAKE_CURRENT_BINARY_DIR}/glideConfig.cmake
  INSTALL_DESTINATION ${CMAKE_INSTALL_LIBDIR}/cmake/glide)
write_basic_package_version_file(${CMAKE_CURRENT_BINARY_DIR}/glideConfigVersion.cmake
  COMPATIBILITY SameMinorVersion)
install(FILES ${CMAKE_CURRENT_BINARY_DIR}/glideConfig.cmake ${CMAKE_CURRENT_BINARY_DIR}/glideConfigVersion.cmake
  DESTINATION ${CMAKE_INSTALL_LIBDIR}/cmake/glide)
